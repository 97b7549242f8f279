"""Intent classification: rules first, then the local embedding model, then an optional LLM."""
