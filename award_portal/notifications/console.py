"""A console delivery backend a person can read.

Django's console backend prints the raw MIME message, where a Chinese subject reads
``=?utf-8?b?...?=`` and the body may be base64. This one prints the headers decoded and
the text body as it was written (development and `make run`; production uses SMTP).
"""

from email.header import decode_header, make_header

from django.core.mail.backends import console


def _decoded(value) -> str:
    return str(make_header(decode_header(str(value))))


class EmailBackend(console.EmailBackend):
    headers = ("Subject", "From", "To", "Cc", "Reply-To", "Date", "Message-ID")

    def write_message(self, message):
        mime = message.message()  # the real headers: Date, Message-ID, encoded names
        lines = [f"{name}: {_decoded(mime[name])}" for name in self.headers if mime[name]]
        if message.bcc:
            lines.append(f"Bcc: {', '.join(message.bcc)}")
        lines += ["", message.body.rstrip("\n")]
        for _content, mimetype in getattr(message, "alternatives", []):
            lines.append(f"[{mimetype} alternative]")
        for attachment in message.attachments:
            name = attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()
            lines.append(f"[attachment: {name}]")
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
