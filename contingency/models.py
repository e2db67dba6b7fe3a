"""Emergency group, playbooks and activations arrive with the contingency issue."""
