"""English versions of the public texts (issue #14), and the pinyin sort key of titles.

Existing places and people get English names in pinyin (cooperation/pinyin.py), and
projects their sort keys, so that nothing reads blank. On SQLite, adding a NOT NULL
column rebuilds the table, which drops what migrations 0005 (the project search triggers)
and 0006 (the region path prefix index) made by hand: they are made again at the end.
"""

import importlib

from django.db import migrations, models

from cooperation import pinyin

search = importlib.import_module("cooperation.migrations.0005_scale_search")
prefix = importlib.import_module("cooperation.migrations.0006_scale_prefix_indexes")
BATCH = 2000


def in_batches(queryset, fill, fields):
    rows = []
    for row in queryset.iterator(chunk_size=BATCH):
        fill(row)
        rows.append(row)
        if len(rows) == BATCH:
            queryset.model.objects.bulk_update(rows, fields)
            rows = []
    if rows:
        queryset.model.objects.bulk_update(rows, fields)


def fill_names_and_sort_keys(apps, schema_editor):
    def region(row):
        row.name_en = pinyin.place_name(row.name)
        row.short_name_en = pinyin.place_name(row.short_name) if row.short_name else ""

    def person(row):
        row.name_en = pinyin.person_name(row.name)

    def project(row):
        row.title_sort = pinyin.sort_key(row.title)

    Region = apps.get_model("cooperation", "Region")
    in_batches(Region.objects.only("name", "short_name"), region, ["name_en", "short_name_en"])
    Person = apps.get_model("cooperation", "Person")
    in_batches(Person.objects.only("name"), person, ["name_en"])
    Project = apps.get_model("cooperation", "Project")
    in_batches(Project.objects.only("title"), project, ["title_sort"])


def restore_sqlite_extras(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    triggers = [sql for sql in search.SQLITE_CREATE if sql.startswith("CREATE TRIGGER")]
    for statement in [*triggers, prefix.PREFIX_INDEX["sqlite"]]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('cooperation', '0010_review'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='project',
            name='project_status_title_idx',
        ),
        migrations.AddField(
            model_name='beneficiary',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='beneficiary',
            name='name_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='名称（英文）'),
        ),
        migrations.AddField(
            model_name='beneficiary',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='beneficiary',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='benefit',
            name='description_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='benefit',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='benefit',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='event',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='event',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='event',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='event',
            name='title_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='标题（英文）'),
        ),
        migrations.AddField(
            model_name='figure',
            name='label_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='名称（英文）'),
        ),
        migrations.AddField(
            model_name='figure',
            name='period_en',
            field=models.CharField(blank=True, help_text='如“first three quarters of 2023”。', max_length=50, verbose_name='期间说法（英文）'),
        ),
        migrations.AddField(
            model_name='figure',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='figure',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalbeneficiary',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalbeneficiary',
            name='name_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='名称（英文）'),
        ),
        migrations.AddField(
            model_name='historicalbeneficiary',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalbeneficiary',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalbenefit',
            name='description_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalbenefit',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalbenefit',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalevent',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalevent',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalevent',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalevent',
            name='title_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='标题（英文）'),
        ),
        migrations.AddField(
            model_name='historicalfigure',
            name='label_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='名称（英文）'),
        ),
        migrations.AddField(
            model_name='historicalfigure',
            name='period_en',
            field=models.CharField(blank=True, help_text='如“first three quarters of 2023”。', max_length=50, verbose_name='期间说法（英文）'),
        ),
        migrations.AddField(
            model_name='historicalfigure',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalfigure',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalindicator',
            name='note_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalorganization',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='简介（英文）'),
        ),
        migrations.AddField(
            model_name='historicalorganization',
            name='name_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='名称（英文）'),
        ),
        migrations.AddField(
            model_name='historicalorganization',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalorganization',
            name='short_name_en',
            field=models.CharField(blank=True, max_length=100, verbose_name='简称（英文）'),
        ),
        migrations.AddField(
            model_name='historicalorganization',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalpairing',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalpairing',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalpairing',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalperson',
            name='name_en',
            field=models.CharField(blank=True, help_text='留空时保存为拼音，姓在前。', max_length=50, verbose_name='姓名（英文）'),
        ),
        migrations.AddField(
            model_name='historicalperson',
            name='post_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='职务（英文）'),
        ),
        migrations.AddField(
            model_name='historicalperson',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalperson',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='详细说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='summary_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='摘要（英文）'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='title_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='项目名称（英文）'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='title_sort',
            field=models.CharField(blank=True, editable=False, help_text='保存时生成。', max_length=200, verbose_name='按拼音排序'),
        ),
        migrations.AddField(
            model_name='historicalregion',
            name='name_en',
            field=models.CharField(blank=True, help_text='留空时保存为拼音加通名，如“Maoying Town”；有官方译名时请填写。', max_length=100, verbose_name='名称（英文）'),
        ),
        migrations.AddField(
            model_name='historicalregion',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='historicalregion',
            name='short_name_en',
            field=models.CharField(blank=True, max_length=50, verbose_name='简称（英文）'),
        ),
        migrations.AddField(
            model_name='historicalregion',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='author_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='作者（英文）'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='publisher_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='发布机构（英文）'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='title_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='标题（英文）'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='note_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='organization',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='简介（英文）'),
        ),
        migrations.AddField(
            model_name='organization',
            name='name_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='名称（英文）'),
        ),
        migrations.AddField(
            model_name='organization',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='organization',
            name='short_name_en',
            field=models.CharField(blank=True, max_length=100, verbose_name='简称（英文）'),
        ),
        migrations.AddField(
            model_name='organization',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='pairing',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='pairing',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='pairing',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='person',
            name='name_en',
            field=models.CharField(blank=True, help_text='留空时保存为拼音，姓在前。', max_length=50, verbose_name='姓名（英文）'),
        ),
        migrations.AddField(
            model_name='person',
            name='post_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='职务（英文）'),
        ),
        migrations.AddField(
            model_name='person',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='person',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='project',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='详细说明（英文）'),
        ),
        migrations.AddField(
            model_name='project',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='project',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='project',
            name='summary_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='摘要（英文）'),
        ),
        migrations.AddField(
            model_name='project',
            name='title_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='项目名称（英文）'),
        ),
        migrations.AddField(
            model_name='project',
            name='title_sort',
            field=models.CharField(blank=True, editable=False, help_text='保存时生成。', max_length=200, verbose_name='按拼音排序'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_en',
            field=models.CharField(blank=True, help_text='留空时保存为拼音加通名，如“Maoying Town”；有官方译名时请填写。', max_length=100, verbose_name='名称（英文）'),
        ),
        migrations.AddField(
            model_name='region',
            name='quote_en',
            field=models.TextField(blank=True, help_text='引文本身保留中文原文；此处填写供英文读者参考的释义。', verbose_name='原文引用的英文释义'),
        ),
        migrations.AddField(
            model_name='region',
            name='short_name_en',
            field=models.CharField(blank=True, max_length=50, verbose_name='简称（英文）'),
        ),
        migrations.AddField(
            model_name='region',
            name='source_note_en',
            field=models.TextField(blank=True, verbose_name='引用说明（英文）'),
        ),
        migrations.AddField(
            model_name='source',
            name='author_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='作者（英文）'),
        ),
        migrations.AddField(
            model_name='source',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='说明（英文）'),
        ),
        migrations.AddField(
            model_name='source',
            name='publisher_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='发布机构（英文）'),
        ),
        migrations.AddField(
            model_name='source',
            name='title_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='标题（英文）'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['status', 'title_sort', 'id'], name='project_title_sort_idx'),
        ),
        migrations.RunPython(restore_sqlite_extras, migrations.RunPython.noop),
        migrations.RunPython(fill_names_and_sort_keys, migrations.RunPython.noop),
    ]
