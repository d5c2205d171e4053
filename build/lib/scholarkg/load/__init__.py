"""Loading validated graphs into any store: payloads, manifest, loaders, outbox, change sets."""
