namespace ReplicaActors; internal static class Placeholder { }
