# -*- coding: utf-8 -*-
"""Nightly cleanup script from the Python 2 era (no longer run)."""
print "hello"  # [SSOT900]
import sys

def main(argv):
    print "cleaning up", len(argv)

if __name__ == "__main__":
    main(sys.argv)
