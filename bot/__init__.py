"""Cornerstones: partners' voice gathered against the Four Cornerstones self-evaluation tool."""
