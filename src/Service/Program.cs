Console.Error.WriteLine("beidouhub: no verbs yet");
return 2;
