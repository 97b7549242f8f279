"""Allow ``python -m piper`` to behave exactly like the ``piper`` script."""

from piper.cli.main import main

if __name__ == "__main__":
    main()
