"""Local knowledge: the offline sentence-embedding model, shared by the intent classifier and the knowledge base."""
