"""Packages for setuptools: the top-level folders, installed under the one import package `cocbot`."""

from setuptools import find_packages, setup

setup(packages=["cocbot", *(f"cocbot.{name}" for name in find_packages(include=["bot*", "handlers*", "storage*",
                                                                            "scenarios*"]))])
