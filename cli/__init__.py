"""The `newsbrief` command line: thin wrappers over models/, training/ and service/."""
