"""The transparency report: aggregate figures from the content-free statistics rows, small counts hidden."""
