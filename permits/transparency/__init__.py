"""The public scorecard: permits issued and turnaround of every reviewing body."""
