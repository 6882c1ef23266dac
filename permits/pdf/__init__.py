"""The permit PDF: plain values in (``PermitDocument``), bytes out.

Nothing here touches the database; ``permits.services.permits`` gathers the
values and stores the result.
"""

from permits.pdf.render import ConditionGroup, PermitDocument, SiteLine, qr_image, register_fonts, render_permit

__all__ = ["ConditionGroup", "PermitDocument", "SiteLine", "qr_image", "register_fonts", "render_permit"]
