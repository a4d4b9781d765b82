"""Where attachments of needs live: MEDIA_ROOT/needs/, never served by URL.

Files leave only through the permission-checked download view (`need_attachment`).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class NeedAttachmentStorage(FileSystemStorage):
    """Follows MEDIA_ROOT when it changes (tests), like Django's default storage."""

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "needs")

    def url(self, name):
        raise NotImplementedError("Attachments are downloaded through need_attachment only.")


def attachment_storage():
    return NeedAttachmentStorage()
