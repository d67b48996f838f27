"""A synthetic national data set for load tests: many county pairings and everything below them.

The content depends only on the seed (and, to keep names unique, on the names already in
the database), never on primary keys or the clock. Rows are written without save() (in
chunks: bulk_create on SQLite, COPY on PostgreSQL), so the values save() would derive
(Region.side and Region.path, Project.funds, Figure.year…) are set here.

- vocabulary.py: what the data set is made of (names, products, shares, patterns);
- plan.py: the small records later stages keep of what was written, and fresh names;
- regions.py, pairings.py, beneficiaries.py, projects.py: the stages, in that order;
- figures.py, cases.py: a project's figures and the cases the adding rules tell apart;
- writers.py, postgresql.py: how the rows reach the database.
"""

from cooperation.synthetic.synthesizer import Synthesizer

__all__ = ["Synthesizer"]
