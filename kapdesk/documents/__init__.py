"""reportlab layouts for the PDFs a clinic prints. Documents take plain data and never touch the database."""
