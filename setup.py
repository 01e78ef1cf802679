"""Packages for setuptools: the top-level folders, installed under the one import package `cocbot`."""

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py


class BuildPy(build_py):
    """The root maps to `cocbot` only for its data files (manifest, example configs): this build script is
    not a module of cocbot."""

    def find_package_modules(self, package: str, package_dir: str) -> list[tuple[str, str, str]]:
        modules = super().find_package_modules(package, package_dir)
        return [m for m in modules if not (package == "cocbot" and m[1] == "setup")]


setup(
    packages=["cocbot", *(f"cocbot.{name}" for name in find_packages(include=["bot*", "handlers*", "storage*",
                                                                             "scenarios*"]))],
    cmdclass={"build_py": BuildPy},
)
