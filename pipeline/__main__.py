"""`python -m pipeline render|preview SEG|contact-sheet|review SEG…|context SEG|train`: see pipeline/build.py."""
import sys

from pipeline.build import main

sys.exit(main())
