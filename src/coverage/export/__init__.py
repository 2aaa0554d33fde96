"""Exports: a published rota (its JSON data) in, text or files out."""
