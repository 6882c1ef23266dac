"""The public catalogue of filming sites."""
