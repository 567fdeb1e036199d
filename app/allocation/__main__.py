"""`python -m app.allocation INSTANCE.json`: same as `flask --app wsgi allocation solve`."""
import sys

from .cli import main

sys.exit(main())
