// Each spec here runs whole member systems with real timers; two at once on 2 cores would starve
// each other's heartbeats and turn timing into flakiness.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
