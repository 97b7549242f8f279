"""The knowledge-base search index: passages with keyword (BM25) and embedding search."""

from piper.knowledge.index.knowledge_index import KnowledgeIndex

__all__ = ["KnowledgeIndex"]
