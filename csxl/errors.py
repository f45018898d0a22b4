"""Named exceptions.  The CLI, the scheduler and the ribbon turn each into one sentence."""

from pathlib import Path


class CsxlError(Exception):
    """Base of every error csxl reports to the user."""

    def message(self, lang: str = "zh") -> str:
        from .i18n import t

        return t(type(self).__name__, lang, path=self.args[0] if self.args else "")


class WorkbookNotFound(CsxlError):
    """The workbook file does not exist."""


class WorkbookExists(CsxlError):
    """``init`` refuses to overwrite an existing file."""


class NotAWorkbook(CsxlError):
    """The file is not a readable .xlsx package; the second argument says what it seems to be (a message id)."""

    def message(self, lang: str = "zh") -> str:
        from .i18n import t

        text = t("NotAWorkbook", lang, path=self.args[0])
        if len(self.args) > 1:
            text += t(self.args[1], lang, name=Path(self.args[0]).stem)
        return text


class IsAFolder(CsxlError):
    """A folder was given where a workbook file belongs."""


class WorkbookReadOnly(CsxlError):
    """The workbook file is marked read-only: csxl leaves it as it is, as Excel would."""


class BadFileName(CsxlError):
    """A new workbook must be named .xlsx (csxl writes that format)."""


class WorkbookOpenInExcel(CsxlError):
    """Excel, WPS or LibreOffice has the workbook open (its ``~$`` or ``.~lock.…#`` file exists)."""


class WorkbookChanged(CsxlError):
    """The workbook was saved by someone else between csxl's read and its write."""


class BadSetting(CsxlError):
    """A value on the 设置 sheet or in the config file is not usable."""


class BadMailConfig(CsxlError):
    """The mail configuration file cannot be used."""


class MissingPassword(CsxlError):
    """SMTP needs a password (or authorisation code) and none is in the keyring or environment."""


class BadMonth(CsxlError):
    """A report month is not YYYY-MM, or lies after the as-of day."""


class WorkbookBusy(CsxlError):
    """Another csxl (the scheduler, a colleague's click or command) is working on the workbook right now."""


class NotSaved(CsxlError):
    """The workbook open in Excel has never been saved, and the action needs its folder (journal, outbox, report)."""


class BrokenWorkbook(CsxlError):
    """A required sheet or column is missing, so messages would go wrong: nothing is sent until it is fixed."""


class ForeignWorkbook(CsxlError):
    """None of csxl's input sheets is in the workbook: it is not a 客服台账, so nothing is written into it."""


class DamagedJournal(CsxlError):
    """The send journal is not a readable database: it was moved aside, and nothing is sent this time."""


class NothingSent(CsxlError):
    """Every message failed: the line says why (no login offered, login refused, TLS refused, server unreachable)."""


class WriteFailed(CsxlError):
    """The new workbook could not be written (disk full, no permission); the old one is untouched."""

    def message(self, lang: str = "zh") -> str:
        from .i18n import t

        return t("WriteFailed", lang, path=self.args[0], reason=self.args[1] if len(self.args) > 1 else "")


class LedgerNotReplaced(CsxlError):
    """A report, form or call sheet was to be written over a customer-service workbook (one holding the input sheets)."""


class MissingSmsSecret(CsxlError):
    """An SMS provider is set on 设置 and its access key is neither in the environment nor in the keyring."""


class SmsSdkMissing(CsxlError):
    """An SMS provider is set on 设置 and its official SDK is not installed."""


class SmsProviderFailed(CsxlError):
    """The SMS provider could not be reached or refused the request (the line says which)."""


class GroupStoreBusy(CsxlError):
    """Another csxl has the DuckDB group store open (DuckDB allows one writer); waited 15 s."""


class GroupStoreMissing(CsxlError):
    """The group store named does not exist, or holds no csxl tables (nothing was loaded into it yet)."""


class GroupStoreUnreachable(CsxlError):
    """The PostgreSQL group store cannot be reached or refused the login."""


class GroupStoreUnusable(CsxlError):
    """The DuckDB group store's path cannot be opened as one: not a DuckDB file, a folder, no right to write there."""


class GroupStoreIsAWorkbook(CsxlError):
    """A workbook was named where the group store belongs (most likely the STORE argument was left out)."""


class BranchNotNamed(CsxlError):
    """A workbook still carries the default branch name: the group could not tell it from another branch."""


class BranchRolesClash(CsxlError):
    """Two branch codes differ only in what a PostgreSQL role name cannot hold (SZ01 and sz01): one role cannot guard both."""


class BranchClaimed(CsxlError):
    """Another workbook file already loaded under this branch code (``--replace`` says this one takes over)."""


class NoSuchComplaint(CsxlError):
    """No row of 投诉记录 has that 投诉编号."""
