"""The shipped stories (*.yml) — package data, so `cocbot demo` finds them from any installation."""
