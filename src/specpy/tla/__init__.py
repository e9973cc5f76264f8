"""TLA+ backend: export a Model to a TLA+ module and .cfg, run TLC, read its output."""
