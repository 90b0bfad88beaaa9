"""Pure, Kafka-free enrichment: normalisation, language id, entities, keywords, fingerprints."""
