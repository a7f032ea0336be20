import sys

from .cli import main

if __name__ == "__main__":  # importing the module (a docstring walk) must not run the CLI
    sys.exit(main())
