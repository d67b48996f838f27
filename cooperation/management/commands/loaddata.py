"""Django's loaddata, with dangling references reported by fixture file and object.

Django checks foreign keys only after every file is read, and its message names a table,
not the file. Here each object's references are remembered as it is loaded; when the final
check fails, the reference that points nowhere is named with its file and object. The
whole load is one transaction either way, so the database is left as it was.
"""

from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import IntegrityError, transaction


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        self.loaded_keys = set()
        self.references = []
        try:
            with transaction.atomic(using=self.using):
                super().loaddata(fixture_labels)
        except IntegrityError as error:
            dangling = self.first_dangling_reference()
            if dangling is None:
                raise
            raise CommandError(dangling) from error

    def load_label(self, fixture_label):
        self.current_label = fixture_label
        super().load_label(fixture_label)

    def save_obj(self, obj):
        saved = super().save_obj(obj)
        if saved:
            instance = obj.object
            self.loaded_keys.add((instance._meta.label_lower, instance.pk))
            for field in instance._meta.concrete_fields:
                if field.is_relation and getattr(instance, field.attname) is not None:
                    self.references.append(
                        (self.current_label, instance, field, getattr(instance, field.attname))
                    )
            for name, targets in (obj.m2m_data or {}).items():
                field = instance._meta.get_field(name)
                for target in targets:
                    self.references.append((self.current_label, instance, field, target))
        return saved

    def first_dangling_reference(self):
        """Runs after the load was rolled back: the database holds what was there before."""
        for label, instance, field, value in self.references:
            target = field.related_model
            if (target._meta.label_lower, value) in self.loaded_keys:
                continue
            if target._default_manager.using(self.using).filter(pk=value).exists():
                continue
            return (
                f"Problem installing fixture '{label}': {instance._meta.label_lower}"
                f"(pk={instance.pk}) field '{field.name}' refers to "
                f"{target._meta.label_lower}(pk={value}), which does not exist."
            )
        return None
