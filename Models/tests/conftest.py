import os
import sys

# make `Models` importable when pytest is run from the repository root or from Models/
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
