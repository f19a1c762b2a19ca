// This project exists to fail its build with DeploySpec diagnostics; see BrokenSpecs.cs.
System.Console.WriteLine("If you can read this, the broken specs compiled: DeploySpec's analyzers did not run.");
