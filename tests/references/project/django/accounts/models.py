from django.db import models


class Account(models.Model):
    legacy_plan = models.TextField(null=True)
    spare = models.TextField(null=True)  # migralint: column-removed accounts.spare

    class Meta:
        db_table = "accounts"
