"""What a consultation is: its YAML definition read into models, every problem named by file and line,
changes to rounds already opened, and texts in several languages."""
