"""A tiny Hierarchical Reasoning Model that learns the key→door task, and the recorder the film reads."""
