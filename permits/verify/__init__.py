"""Public verification of permits by QR token or number and short code."""
