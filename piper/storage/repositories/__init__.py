"""Repositories: one per aggregate, each turning rows into domain objects and back."""
