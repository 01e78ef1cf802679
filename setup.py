"""Packages for setuptools: the top-level folders, installed under the one import package `cocbot`."""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py


class BuildPy(build_py):
    """The root maps to `cocbot` only for its data files (manifest, example configs): this build script is
    not a module of cocbot. The translation catalogs are compiled (.po → .mo) into the build, so an installed
    wheel never compiles at run time."""

    def find_package_modules(self, package: str, package_dir: str) -> list[tuple[str, str, str]]:
        modules = super().find_package_modules(package, package_dir)
        return [m for m in modules if not (package == "cocbot" and m[1] == "setup")]

    def run(self) -> None:
        super().run()
        self._compile_catalogs()

    def _compile_catalogs(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(__file__).parent / "bot" / "i18n" / "locale"
        target = Path(self.build_lib) / "cocbot" / "bot" / "i18n" / "locale"
        for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
            mo = target / po.relative_to(root).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parts[-3])
            with mo.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)


setup(
    packages=["cocbot", *(f"cocbot.{name}" for name in find_packages(include=["bot*", "handlers*", "storage*",
                                                                             "scenarios*"]))],
    cmdclass={"build_py": BuildPy},
)
