"""Client library and operations tooling of the model API."""
