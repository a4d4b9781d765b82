"""Where report PDFs live: the "reports" entry of settings.STORAGES.

By default MEDIA_ROOT/reports/ on a volume that web and worker share; with
REPORT_STORAGE_S3_BUCKET an S3-compatible bucket (django-storages) that several hosts share.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class ReportStorage(FileSystemStorage):
    """MEDIA_ROOT/reports/, never served by URL: files leave only through the download view.

    Follows MEDIA_ROOT when it changes (tests), like Django's default storage.
    """

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "reports")

    def url(self, name):
        raise NotImplementedError("Reports are downloaded through report_download only.")


def report_storage():
    """The configured storage of report files (a callable, so settings can change it)."""
    return storages["reports"]
