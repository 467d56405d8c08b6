"""Tests of the register workbook as a spreadsheet program opens and prints it."""
