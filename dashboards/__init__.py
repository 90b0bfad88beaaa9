"""Elasticsearch mappings and Kibana saved objects as data files, with their small loaders."""
