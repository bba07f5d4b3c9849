Console.WriteLine("rsctl");
