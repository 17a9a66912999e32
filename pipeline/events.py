"""Event extraction: who did what to whom, coded in PLOVER 2.0, with status and provenance.

For each sentence of a cleaned article (parsed once by the shared spaCy pipeline):
1. triggers: verbs and nouns from the trigger lexicon (`data/triggers.json`), light-verb
   constructions ("held talks": the noun's event, the verb's subject) and phrasal verbs;
2. roles from the dependency parse: the source is the subject (or the agent of a passive, the
   possessor or first party of a nominal trigger, or a subject inherited from the governing
   clause), the target the object or the object of a role preposition; coordinated actors give
   one mention per dyad; "both", "the two leaders", "he" are resolved over the article's actors;
3. status (occurred, planned, possible, hypothetical, negated) from auxiliaries, negation and
   governing words; the claimant from reported speech;
4. time and place expressions attached to the clause they modify, passed down to clauses that
   hang off it.
Mentions of the same event in the headline, dek, summary and body are then merged into one row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token

from pipeline import EXTRACTOR_VERSION
from pipeline.actors import Actor, country_name, lookup, resolve
from pipeline.actors import lexicon as actor_lexicon
from pipeline.clean import Article, Sentence
from pipeline.ids import stable_id
from pipeline.places import Place, find_places
from pipeline.reference import GROUP_CODES, QUAD_OF_TYPE, load_json
from pipeline.temporal import TimeExpression, find_times

log = logging.getLogger("pipeline.events")

# Cue words (data/triggers.json, "cues"): see its "about_cues".
_CUES = load_json("triggers.json")["cues"]
HYPOTHETICAL_GOVERNORS = frozenset(_CUES["hypothetical_governors"])
PLANNED_GOVERNORS = frozenset(_CUES["planned_governors"])
POSSIBLE_GOVERNORS = frozenset(_CUES["possible_governors"])
NEGATING_GOVERNORS = frozenset(_CUES["negating_governors"])
FUTURE_MODIFIERS: dict[str, str] = _CUES["future_modifiers"]
SPEECH_VERBS = frozenset(_CUES["speech_verbs"])
OCCUR_VERBS = frozenset(_CUES["occur_verbs"])
ROLE_PREPS = tuple(_CUES["role_preps"])
THEME_OBJECT_VERBS = frozenset(_CUES["theme_object_verbs"])
LOCATIVE_PREPS = frozenset(_CUES["locative_preps"])
QUANTIFIERS = frozenset(_CUES["quantifiers"])
PLURAL_ANAPHORS = frozenset(_CUES["plural_anaphors"])
PERSON_PRONOUNS = frozenset(_CUES["person_pronouns"])
TARGET_OPTIONAL = frozenset(load_json("triggers.json")["target_optional"])
RECIPROCAL = frozenset(load_json("triggers.json")["reciprocal"])
TOPIC_PREPS = tuple(load_json("triggers.json")["topic_preps"])
DOMESTIC_DEFAULT = frozenset(load_json("triggers.json")["domestic_default"])
BACKGROUND_MARKS = frozenset(load_json("triggers.json")["background_marks"])
BACKGROUND_PREPS = frozenset(load_json("triggers.json")["background_preps"])
OF_IS_SOURCE = frozenset({"MOBILIZE", "RETREAT", "PROTEST"})  # "the deployment of 1,000 soldiers"


@dataclass(frozen=True)
class TriggerSpec:
    event_type: str
    mode: str
    converse: bool = False  # the verb's subject is the recipient ("received aid from X")


@dataclass
class Lexicon:
    verbs: dict[str, TriggerSpec]
    nouns: dict[str, TriggerSpec]
    light_verbs: frozenset[str]
    phrasal: dict[str, str]
    verb_objects: dict[tuple[str, str], TriggerSpec]  # (verb lemma, object word) -> spec
    labour_cues: frozenset[str]
    ambiguous: frozenset[str]  # trigger words with more than one reading (several types, object rules)
    mode_words: dict[str, frozenset[str]]
    symmetric: frozenset[str]
    verb_prep_objects: dict[tuple[str, str, str], TriggerSpec]  # (verb, preposition, its object) -> spec
    sector_group: dict[str, str]  # actor sector -> civilian, armed, police, state
    sector_readings: dict[str, dict[str, str]]  # trigger word -> sector group -> event type
    joint_modifiers: frozenset[str]
    joint_exceptions: frozenset[str]
    exercise_nouns: frozenset[str]
    commissive: frozenset[str]
    verb_forms: dict[str, TriggerSpec]  # inflected forms with a reading of their own ("hanged")
    containers: frozenset[str]  # nouns whose content is the event ("a proposal for talks")
    sector_triggers: dict[str, dict[str, str]]  # words that are events only for some actors ("gather")
    conditional_verbs: frozenset[str]  # verbs that threaten when announced on a condition ("respond")
    money_verbs: frozenset[str]  # verbs that are AID when their object is a sum of money
    bundle_nouns: frozenset[str]  # nouns that are AID when they bundle aid ("package", "tranche")


@cache
def lexicon() -> Lexicon:
    data = load_json("triggers.json")
    verbs: dict[str, TriggerSpec] = {}
    nouns: dict[str, TriggerSpec] = {}
    for event_type, spec in data["types"].items():
        for lemma, mode in spec["verbs"].items():
            verbs.setdefault(lemma, TriggerSpec(event_type, mode))
        for lemma, mode in spec["nouns"].items():
            nouns.setdefault(lemma, TriggerSpec(event_type, mode))
    verb_objects = {
        (verb, obj): TriggerSpec(rule["type"], rule["mode"], rule.get("converse", False))
        for rule in data["verb_objects"]
        for verb in rule["verbs"]
        for obj in rule["objects"]
    }
    verb_prep_objects = {
        (verb, prep, obj): TriggerSpec(rule["type"], rule["mode"])
        for rule in data["verb_prep_objects"]
        for verb in rule["verbs"]
        for prep in rule["preps"]
        for obj in rule["objects"]
    }
    seen: dict[str, set[str]] = {}
    for event_type, spec in data["types"].items():
        for lemma in [*spec["verbs"], *spec["nouns"]]:
            seen.setdefault(lemma, set()).add(event_type)
    for verb, _ in verb_objects:
        seen.setdefault(verb, set()).add("object")
    ambiguous = frozenset(lemma for lemma, types in seen.items() if len(types) > 1)
    return Lexicon(
        verbs,
        nouns,
        frozenset(data["light_verbs"]),
        dict(data["phrasal"]),
        verb_objects,
        frozenset(data["labour_strike_cues"]),
        ambiguous | {"strike", "call"},
        {k: frozenset(v) for k, v in data["mode_words"].items()},
        frozenset(data["symmetric"]),
        verb_prep_objects,
        {sector: group for group, sectors in data["sector_groups"].items() for sector in sectors},
        data["sector_readings"],
        frozenset(data["joint_modifiers"]),
        frozenset(data["joint_exceptions"]),
        frozenset(data["exercise_nouns"]),
        frozenset(data["commissive_verbs"]),
        {form: TriggerSpec(t, m) for form, (t, m) in data["verb_forms"].items()},
        frozenset(data["container_nouns"]),
        data["sector_triggers"],
        frozenset(data["conditional_verbs"]),
        frozenset(data["money_verbs"]),
        frozenset(data["bundle_nouns"]),
    )


@dataclass
class Mention:
    """One textual mention of an event and dyad; `merge_mentions` groups them into events."""

    event_type: str
    mode: str | None
    status: str
    source: Actor | None
    target: Actor | None
    claimant: Actor | None
    time: TimeExpression | None
    place: Place | None
    section: str
    sentence_index: int
    sentence_start: int
    sentence_end: int
    sentence_text: str
    trigger_start: int
    trigger_end: int
    trigger_text: str
    confidence: float
    symmetric: bool = False
    features: dict[str, float] = field(default_factory=dict)
    background: bool = False  # told as background of the sentence's main event


@dataclass
class ArticleContext:
    """What the extractor knows about an article while reading it: its actors so far."""

    article: Article
    persons: list[Actor] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    place_countries: Counter = field(default_factory=Counter)  # countries of the places read so far
    mentions: Counter = field(default_factory=Counter)  # (name, country) -> times named

    def remember(self, actor: Actor) -> None:
        if actor.country is None and actor.kind == "generic":
            return
        target = self.persons if actor.kind == "person" else self.actors
        if actor in target:
            target.remove(actor)
        target.append(actor)
        self.mentions[(actor.name, actor.country)] += 1

    def salient_pair(self) -> list[Actor]:
        """The two actors "both", "the two countries" or "the leaders" most likely mean: the most
        named of the article so far (persons when there are two), the latest breaking ties."""
        pool = self.persons if len(self.persons) >= 2 else self.persons + self.actors
        ranked = sorted(
            enumerate(pool), key=lambda ia: (self.mentions[(ia[1].name, ia[1].country)], ia[0]), reverse=True
        )
        pair: list[Actor] = []
        for _, actor in ranked:
            if all(actor.country != other.country or actor.country is None for other in pair):
                pair.append(actor)
            if len(pair) == 2:
                return sorted(pair, key=pool.index)
        return []


# --------------------------------------------------------------------------------------------
# Triggers


def find_triggers(sent: Span) -> Iterator[tuple[Token, TriggerSpec, Token]]:
    """(trigger token, spec, role head) for each event trigger; the role head is the token whose
    dependents carry the source (the light verb in "held talks", else the trigger itself)."""
    lex = lexicon()
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.lower_ in lex.verb_forms and tok.pos_ == "VERB":
            yield tok, lex.verb_forms[tok.lower_], tok  # "hanged" (executed)
            continue
        hyphenated = _hyphen_noun(tok)
        if hyphenated is not None:  # "staged a sit-in", "a call-up of reservists"
            yield tok, hyphenated, tok
            continue
        if _verbal(tok):
            objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "oprd", "acomp", "ccomp")]
            by_object = next(
                (
                    lex.verb_objects[(lemma, word)]
                    for o in objects
                    for word in _object_words(o)
                    if (lemma, word) in lex.verb_objects
                ),
                None,
            ) or next(
                (
                    lex.verb_prep_objects[(lemma, prep.lower_, word)]
                    for prep in tok.children
                    if prep.dep_ in ("prep", "dative")
                    for o in prep.children
                    if o.dep_ == "pobj"
                    for word in _object_words(o)
                    if (lemma, prep.lower_, word) in lex.verb_prep_objects
                ),
                None,
            )
            if by_object:  # "sent troops", "recalled its ambassador", "took Congo to court"
                yield tok, by_object, tok
                continue
            phrasal = next(
                (
                    lex.phrasal[f"{lemma} {c.lower_}"]
                    for c in tok.children
                    if c.dep_ in ("prt", "prep", "advmod") and f"{lemma} {c.lower_}" in lex.phrasal
                ),
                None,
            )  # "pulled out", "pull border guards back", "walked out of the talks"
            if phrasal:
                yield tok, TriggerSpec(phrasal, ""), tok
                continue
            if lemma in lex.light_verbs and any(
                _noun_trigger(c) for c in tok.children if c.dep_ in ("dobj", "nsubjpass")
            ):
                continue  # the object noun carries the event ("held talks", "sanctions were imposed")
            if lemma in lex.money_verbs and any(o.ent_type_ == "MONEY" for o in objects):
                yield tok, TriggerSpec("AID", "economic"), tok  # "pledged $50 million for hospitals"
                continue
            spec = lex.verbs.get(lemma)
            if spec and lemma == "strike" and _labour_strike(tok):
                spec = TriggerSpec("PROTEST", "strike")
            if spec is None and _joint(tok):
                spec = TriggerSpec("COOPERATE", "")  # "have begun jointly searching"
            if spec is None and lemma in lex.conditional_verbs and _conditional_future(tok):
                spec = TriggerSpec("THREATEN", "")  # "we will respond with everything we have if ..."
            if spec is None and lemma in lex.sector_triggers:
                spec = PENDING  # "thousands gathered in the square": a protest if they are civilians
            if spec:
                yield tok, spec, tok
        elif tok.pos_ in ("NOUN", "PROPN") and tok.dep_ != "compound":
            spec = _noun_trigger(tok)
            joint = _joint(tok) and tok.lower_ not in lex.joint_exceptions
            if joint and (spec is None or spec.event_type == "MOBILIZE"):
                spec = TriggerSpec("COOPERATE", "")  # "joint operations", "their first joint patrol"
            if spec:
                light = tok.dep_ in ("dobj", "nsubjpass") and tok.head.lemma_.lower() in lex.light_verbs
                head = tok.head if light else tok
                yield tok, spec, head


def _hyphen_noun(tok: Token) -> TriggerSpec | None:
    """A hyphenated event noun the tokenizer split ("sit-in", "call-up", "build-up"), read at the
    part that heads the other."""
    doc = tok.doc
    for first in (tok.i, tok.i - 2):
        if first < 0 or first + 2 >= len(doc) or doc[first + 1].text != "-":
            continue
        a, b = doc[first], doc[first + 2]
        if a.whitespace_ or doc[first + 1].whitespace_:
            continue
        spec = lexicon().nouns.get(f"{a.lower_}-{b.lower_}")
        head = b if a.head == b else a
        if spec is not None and tok == head:
            return spec
    return None


#: A trigger whose type waits for its actors (`sector_triggers`); `_reading` settles or drops it.
PENDING = TriggerSpec("PENDING", "")


def _conditional_future(tok: Token) -> bool:
    """Announced for the future on a condition: "will respond ... if", "might act unless"."""
    future = any(
        c.dep_ == "aux" and c.lower_ in ("will", "would", "could", "might", "may", "'ll")
        for c in tok.children
    )
    condition = any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("unless", "if") for m in c.children)
        for c in tok.children
    )
    return future and condition


def _joint(tok: Token) -> bool:
    """Modified by "joint", "jointly", "together"."""
    return any(c.dep_ in ("amod", "advmod") and c.lower_ in lexicon().joint_modifiers for c in tok.children)


def _object_words(obj: Token) -> Iterator[str]:
    """The words of an object that can decide a verb's event: its head and the nouns compounded
    with it ("sent an aircraft carrier group": carrier)."""
    yield obj.lemma_.lower()
    yield obj.lower_
    for c in obj.children:
        if c.dep_ == "compound" and c.i < obj.i:
            yield c.lemma_.lower()
            yield c.lower_


def _verbal(tok: Token) -> bool:
    """A verb that can carry an event: a verb in its own clause, or the verb of a headline the
    parser read as a modifier ("Tanzania arrests opposition leader", "Junta lifts curfew")."""
    if tok.pos_ == "VERB":
        return tok.dep_ not in ("amod", "compound") or _headline_verb(tok)
    return tok.tag_ == "NNS" and _headline_verb(tok)


def _headline_verb(tok: Token) -> bool:
    """A present-tense headline verb parsed as a compound or modifier of its object: a known verb
    trigger between a name (its subject) and a noun phrase (its object)."""
    lex = lexicon()
    lemma = tok.lemma_.lower()
    if tok.dep_ not in ("compound", "amod") or tok.i == 0 or tok.head.i <= tok.i:
        return False
    if tok.pos_ != "VERB" and (not tok.lower_.endswith("s") or tok.lower_ in lex.nouns or lemma in lex.nouns):
        return False
    if lemma not in lex.verbs and not any(k.startswith(lemma + " ") for k in lex.phrasal):
        return False
    before = tok.doc[tok.i - 1]
    return before.pos_ == "PROPN" or bool(before.ent_type_) or before.lower_ in actor_lexicon().generic


def _noun_trigger(tok: Token) -> TriggerSpec | None:
    if tok.pos_ not in ("NOUN", "PROPN"):
        return None
    lex = lexicon()
    word = tok.lower_
    if tok.i > 0 and f"{tok.doc[tok.i - 1].lower_} {word}" in lex.nouns:
        return lex.nouns[f"{tok.doc[tok.i - 1].lower_} {word}"]
    spec = lex.nouns.get(word) or lex.nouns.get(tok.lemma_.lower())
    lemma = tok.lemma_.lower()
    if spec is None and lemma in lex.bundle_nouns:
        return _bundle(tok)
    if spec is None:
        return None
    if lemma in ("call", "appeal") and any(
        c.dep_ == "prep" and c.lower_ in ("for", "on") for c in tok.children
    ):
        return TriggerSpec("REQUEST", "")  # "a call for talks", "its call on X to ..."
    if lemma == "strike" and _labour_strike(tok):
        return TriggerSpec("PROTEST", "strike")
    return spec


def _bundle(tok: Token) -> TriggerSpec | None:
    """ "A package of budget support", "a tranche of military aid": AID when what it bundles is."""
    lex = lexicon()
    aid_words = {w for m in ("military", "economic", "humanitarian") for w in lex.mode_words[m]}
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                words = {obj.lower_, obj.lemma_.lower()} | {
                    c.lower_ for c in obj.children if c.dep_ in ("compound", "amod")
                }
                noun = lex.nouns.get(obj.lemma_.lower()) or lex.nouns.get(obj.lower_)
                if (noun is not None and noun.event_type in ("AID", "SUPPORT")) or words & aid_words:
                    return TriggerSpec("AID", "")
    return None


def _labour_strike(tok: Token) -> bool:
    """ "Strike" as a labour strike: a labour cue among its modifiers ("general strike", "24-hour
    strike"), "on strike", or strikers who are workers or unions rather than armed actors."""
    cues = lexicon().labour_cues
    words = {t.lower_ for t in tok.subtree if t.i < tok.i} | {
        t.lower_.rstrip("'s") for t in tok.subtree if t.i < tok.i
    }
    if words & cues or any("-hour" in w or "-day" in w for w in words):
        return True
    if tok.head.lower_ == "on":
        return True
    verb = tok if tok.pos_ == "VERB" else tok.head
    subj = [c for c in verb.children if c.dep_ == "nsubj"]
    return any({w for t in s.subtree for w in (t.lower_, t.lemma_.lower())} & cues for s in subj)


# --------------------------------------------------------------------------------------------
# Actors in an argument


def _entity_of(tok: Token) -> Span | None:
    if not tok.ent_type_:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def actors_at(tok: Token, ctx: ArticleContext, deep: bool = True) -> list[Actor]:
    """Actors an argument refers to: the head's actor, its conjuncts, coordinated modifiers,
    pronouns resolved over the article's actors; with `deep`, actors modifying a non-actor head
    ("U.S. missile supplies" gives the US)."""
    reporter = _reporter(tok)
    if reporter is not None:  # "the Taliban said they would reopen schools": they = the Taliban
        found = actors_at(reporter, ctx)
        if found:
            return found
    if tok.lower_ in PERSON_PRONOUNS:
        return ctx.persons[-1:] if ctx.persons else []
    if tok.lower_ == "it" and tok.dep_ in ("nsubj", "nsubjpass"):
        return ctx.actors[-1:]  # "Nigeria's army said it had deployed special forces"
    if tok.lower_ in PLURAL_ANAPHORS or (
        tok.lemma_.lower() in ("leader", "side")
        and tok.tag_ == "NNS"
        and not any(c.dep_ in ("amod", "compound", "poss") and lookup(c.text) for c in tok.children)
    ):
        return ctx.salient_pair()
    if tok.lemma_.lower() in QUANTIFIERS:  # "dozens of protesters", "a group of soldiers"
        of = [
            g
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for g in c.children
            if g.dep_ == "pobj"
        ]
        if of:
            return actors_at(of[0], ctx, deep)
    found: list[Actor] = []
    modifiers = [t for t in tok.subtree if t.i < tok.i and t.head.i <= tok.i]
    coordinated = any(t.dep_ in ("cc", "conj") for t in modifiers)
    ents = [e for e in tok.doc.ents if e.start >= tok.left_edge.i and e.end <= tok.i + 1]
    if coordinated and len(ents) >= 2:
        # "Indian and French warships": one actor per country, with the head's sector
        head = resolve(tok, None) if _entity_of(tok) is None else None
        for e in ents:
            actor = resolve(e.root, e)
            if actor and actor.country:
                if head is not None and head.kind == "generic":
                    actor = _composed(head, actor.country, tok.doc[tok.left_edge.i : tok.i + 1].text)
                found.append(actor)
    else:
        actor = resolve(tok, _entity_of(tok))
        if actor and actor.kind == "generic" and actor.country is None:
            # "delegations from Afghanistan", "the armies of Mongolia and Kazakhstan"
            owners = [a for a in _of_actors(tok, ctx) if a.country]
            found += [_composed(actor, a.country, actor.text) for a in owners]
        if actor and not found:
            found.append(actor)
        elif deep:
            for e in ents:
                a = resolve(e.root, e)
                if a and a.country:
                    found.append(a)
                    break
            else:  # "the government's offer": the possessor of a non-actor head
                for c in tok.children:
                    if c.dep_ == "poss" and _entity_of(c) is None:
                        found += actors_at(c, ctx, deep=False)
    for conj in tok.conjuncts:
        if conj.i > tok.i:
            found += actors_at(conj, ctx, deep=False)
    return _unique(found)


_SUBJECT_PRONOUNS = frozenset({"he", "she", "it", "they", "we"})


def _reporter(tok: Token) -> Token | None:
    """For a pronoun subject of a reported clause, the subject of the reporting verb."""
    if tok.lower_ not in _SUBJECT_PRONOUNS or tok.dep_ not in ("nsubj", "nsubjpass"):
        return None
    clause = tok.head
    if clause.dep_ not in ("ccomp", "xcomp") or clause.head.lemma_.lower() not in SPEECH_VERBS:
        return None
    subj = [c for c in clause.head.children if c.dep_ == "nsubj" and c.lower_ not in _SUBJECT_PRONOUNS]
    return subj[0] if subj else None


def _composed(generic: Actor, country: str, text: str) -> Actor:
    """A generic actor placed in a country ("the armies of Mongolia" -> Mongolia army)."""
    base = generic.name.split()[-1]
    return Actor(f"{country_name(country)} {base}", country, generic.sector, "generic", text)


def _of_actors(tok: Token, ctx: ArticleContext) -> list[Actor]:
    """Actors named by the "of"/"from"/"in" complement of a generic noun ("police in Moldova")."""
    return [
        a
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in ("of", "from", "in")
        for g in c.children
        if g.dep_ == "pobj"
        for a in actors_at(g, ctx)
    ]


def _unique(actors: Iterable[Actor]) -> list[Actor]:
    out: list[Actor] = []
    for a in actors:
        if all((a.name, a.country) != (b.name, b.country) for b in out):
            out.append(a)
    return out


_HEADLINE_SUBJECTS = frozenset({"nsubj", "npadvmod", "compound", "poss", "nmod", "amod"})


def _subject_of(verb: Token) -> tuple[list[Token], bool]:
    """Subject tokens of a verb, inherited through conjunction, control, raising adjectives
    ("is likely to accuse") and adverbial clauses; the flag says whether the subject is the
    passive's patient (its own passive subject, or a controller's subject when the verb itself is
    passive: "two journalists are to be deported by Latvia")."""
    seen = 0
    own = True  # the subject found is the verb's own (or a conjunct's), not a controller's
    passive_verb = any(c.dep_ == "auxpass" for c in verb.children)
    if verb.dep_ in ("compound", "amod") and verb.head.i > verb.i:  # a headline verb: the name before it
        own_subj = [c for c in verb.children if c.dep_ in ("nsubj", "npadvmod", "compound") and c.i < verb.i]
        left = [t for t in verb.head.children if t.i < verb.i and t.dep_ in _HEADLINE_SUBJECTS]
        return (own_subj or left)[:1], False
    while verb is not None and seen < 6:
        seen += 1
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
        if subj:
            # "X is expected to meet Y": the passive subject of the governor is the agent of "meet"
            return subj, (subj[0].dep_ == "nsubjpass") if own else passive_verb
        if verb.dep_ != "conj":
            own = False
        if verb.dep_ in (
            "conj",
            "xcomp",
            "advcl",
            "pcomp",
            "acl",
            "relcl",
            "prep",
            "pobj",
            "acomp",
            "advmod",
            "oprd",
        ):
            if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
                if resolve(verb.head, _entity_of(verb.head)) is not None or verb.head.head == verb.head:
                    return [verb.head], False
                verb = verb.head.head  # "a bill that would ban NGOs": who debates the bill
                continue
            verb = verb.head
            continue
        break
    return [], False


def _noun_owner(tok: Token) -> list[Token]:
    """Tokens that name who does a nominal event: its possessor and the actor names among its left
    modifiers ("Trump's meeting", "Putin-Trump summit", "U.S. deliberations")."""
    owners = [c for c in tok.children if c.dep_ == "poss"]
    owners += [
        t
        for t in tok.subtree
        if t.i < tok.i
        and t.dep_ in ("compound", "amod", "nmod", "poss")
        and _entity_of(t) is not None
        and _entity_of(t).root == t
        and t not in owners
    ]
    return owners


def _hyphen_pair(owners: list[Token]) -> list[Token] | None:
    """Two names joined by a hyphen ("Putin-Trump", "US-Russia") are the two parties."""
    for a in owners:
        for b in owners:
            if b.i == a.i + 2 and a.doc[a.i + 1].text in ("-", "–", "/"):
                return [a, b]
    return None


def roles(
    trigger: Token, head: Token, spec: TriggerSpec, ctx: ArticleContext
) -> tuple[list[Actor], list[Actor]]:
    """(sources, targets) of a trigger from the dependency parse."""
    if spec.converse:  # "Haiti received 30 armoured vehicles from Canada"
        subj, _ = _subject_of(trigger)
        scope = [trigger, *(c for c in trigger.children if c.dep_ == "dobj")]
        givers = [
            a
            for tok in scope
            for prep in tok.children
            if prep.dep_ == "prep" and prep.lower_ == "from"
            for g in prep.children
            if g.dep_ == "pobj"
            for a in actors_at(g, ctx)
        ]
        return _unique(givers), _unique(a for x in subj for a in actors_at(x, ctx))
    if _verbal(trigger):
        sources, targets = _clause_roles(trigger, trigger, spec, ctx)
    else:
        sources, targets = _noun_roles(trigger, spec, ctx)
        if head != trigger:  # "held talks", "sanctions were imposed on X by Y"
            clause_sources, clause_targets = _clause_roles(head, trigger, spec, ctx)
            sources = sources or clause_sources
            targets = targets or [t for t in clause_targets if t not in sources]
        elif not sources or not targets:
            sources, targets = _governor_roles(trigger, spec, ctx, sources, targets)
    sources, targets = _unique(sources), _unique(targets)
    mutual = spec.event_type in lexicon().symmetric or trigger.lemma_.lower() in RECIPROCAL
    if len(sources) >= 2 and not targets and mutual:
        sources, targets = sources[:1], sources[1:]  # "Russia and Ukraine agreed", "both met"
    elif len(targets) >= 2 and not sources and mutual:
        sources, targets = targets[:1], targets[1:]  # "a deal was reached between Algeria and Spain"
    return sources, targets


_FORCE_TYPES = frozenset({"MOBILIZE", "RETREAT"})  # the forces moved are the theme, not the target


def _clause_roles(
    verb: Token, trigger: Token, spec: TriggerSpec, ctx: ArticleContext
) -> tuple[list[Actor], list[Actor]]:
    """Roles given by a verb's clause: subject (or passive agent) and objects or role
    prepositions; `trigger` is the verb itself or the event noun a light verb governs."""
    sources: list[Actor] = []
    targets: list[Actor] = []
    subj, passive = _subject_of(verb)
    agent = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    theme_verb = verb.lemma_.lower() in THEME_OBJECT_VERBS or spec.event_type in _FORCE_TYPES
    if passive:
        for s in subj:
            if s == trigger:
                continue
            if spec.event_type == "MOBILIZE" and not agent:
                sources += actors_at(s, ctx)  # "riot police were deployed": the forces move
            elif not theme_verb:
                targets += actors_at(s, ctx)  # the passive subject of a transfer is what moves
        for a in agent:
            sources += actors_at(a, ctx)
        if theme_verb and not sources:
            sources += _prep_actors(verb, ("from",), ctx)  # "was extradited from Sudan to Italy"
    else:
        for s in subj:
            sources += actors_at(s, ctx)
        if not sources and verb.i > 0 and verb.doc[verb.i - 1].lower_ in PLURAL_ANAPHORS:
            sources += actors_at(verb.doc[verb.i - 1], ctx)  # "... and both agreed"
        if not sources and verb.dep_ in ("pcomp", "acl") and verb.head.pos_ in ("NOUN", "ADP"):
            owner = verb.head if verb.head.pos_ == "NOUN" else verb.head.head
            for o in _noun_owner(owner):
                sources += actors_at(o, ctx)
    if verb.dep_ in ("compound", "amod") and verb.head.i > verb.i:
        objects = [verb.head]  # "Tanzania arrests [opposition leader]"
    elif verb != trigger:
        objects = [c for c in trigger.children if c.dep_ == "dobj"]
        objects += [c for c in verb.children if c.dep_ in ("dative", "iobj")]  # "gave Kyiv aid"
    elif trigger.lemma_.lower() in THEME_OBJECT_VERBS or spec.event_type in _FORCE_TYPES:
        objects = [c for c in verb.children if c.dep_ in ("dative", "iobj")]
    else:
        objects = [c for c in verb.children if c.dep_ in ("dobj", "dative", "iobj", "attr")]
    for o in objects:
        if o == trigger:
            continue
        found = actors_at(o, ctx)
        if not any(a.country for a in found):
            found = _prep_targets(o, ctx, depth=0) or found  # "recalled its ambassador to X"
        targets += found
    if not targets:
        skip = ("from",) if theme_verb else ()
        if spec.event_type in lexicon().symmetric:
            skip += TOPIC_PREPS  # "Kenya and Uganda began sharing intelligence on al-Shabaab"
        targets += _prep_targets(trigger, ctx, skip=skip) if verb != trigger else []
        targets += [] if targets else _prep_targets(verb, ctx, skip=skip)  # "sent aid to X", "sanctions on X"
    return sources, targets


def _prep_actors(tok: Token, preps: tuple[str, ...], ctx: ArticleContext) -> list[Actor]:
    return [
        a
        for prep in tok.children
        if prep.dep_ == "prep" and prep.lower_ in preps
        for g in prep.children
        if g.dep_ == "pobj"
        for a in actors_at(g, ctx)
    ]


def _noun_roles(trigger: Token, spec: TriggerSpec, ctx: ArticleContext) -> tuple[list[Actor], list[Actor]]:
    """Roles named inside an event noun's own phrase: "talks between X and Y", "X's meeting with
    Y", "the release of prisoners by X", "sanctions on X"."""
    between = [
        g
        for c in trigger.children
        if c.dep_ == "prep" and c.lower_ in ("between", "among")
        for g in c.children
        if g.dep_ == "pobj"
    ]
    if between:
        parties = _unique(a for b in between for a in actors_at(b, ctx))
        if len(parties) >= 2:
            return parties[:1], parties[1:]
    sources: list[Actor] = []
    targets: list[Actor] = []
    owners = _noun_owner(trigger)
    owners = _hyphen_pair(owners) or owners
    for o in owners:
        sources += actors_at(o, ctx, deep=False)
    for prep in trigger.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("by", "of"):
            continue
        found = [a for g in prep.children if g.dep_ == "pobj" for a in actors_at(g, ctx)]
        if prep.lower_ == "by" or spec.event_type in OF_IS_SOURCE:
            sources = sources or found  # "the release of prisoners by X", "the deployment of troops"
        else:
            targets += found  # "the arrest of X", "the killing of three civilians"
    sources = _unique(sources)
    skip = TOPIC_PREPS if spec.event_type in lexicon().symmetric else ()
    targets = _unique(targets + _prep_targets(trigger, ctx, skip=skip))
    if len(sources) >= 2 and not targets:
        return sources[:1], sources[1:]
    return sources, targets


def _governor_roles(
    trigger: Token, spec: TriggerSpec, ctx: ArticleContext, sources: list[Actor], targets: list[Actor]
) -> tuple[list[Actor], list[Actor]]:
    """Parties an event noun takes from the clause it sits in: "Trump softens stance ahead of
    Zelenskiy talks" (the subject is a party), "a rally was held by thousands" (the agent)."""
    gov = trigger.head
    while gov.pos_ not in ("VERB", "AUX") and gov.head != gov:
        gov = gov.head
    if gov.pos_ in ("VERB", "AUX") and (
        gov.lemma_.lower() not in OCCUR_VERBS or trigger.dep_ not in ("nsubj", "nsubjpass")
    ):  # "talks took place" has no actor in "take"; "workers went on strike" does
        if trigger.dep_ == "nsubjpass" and trigger.head == gov:
            subj = [g for c in gov.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            targets = targets or [a for a in _prep_targets(gov, ctx) if a not in sources]
        else:
            subj, _ = _subject_of(gov)
        clause = [a for a in _unique(a for s in subj for a in actors_at(s, ctx)) if a not in sources]
        if not sources:
            sources, clause = clause, []
        if clause and not targets:
            sources, targets = clause, sources
        if sources and not targets and gov.lemma_.lower() in lexicon().light_verbs:
            targets = [a for a in _prep_targets(gov, ctx) if a not in sources]  # "brought charges against X"
    if not sources and not targets and spec.event_type in lexicon().symmetric:
        # "a phone call on October 16, where Trump proposed ... endorsed by Putin": a nominal
        # event with no parties of its own takes the two actors the sentence has acting.
        parties = _unique(
            a
            for tok in trigger.sent
            if tok.dep_ in ("nsubj", "nsubjpass") or (tok.dep_ == "pobj" and tok.head.dep_ == "agent")
            for a in actors_at(tok, ctx, deep=False)
            if a.kind == "person"
        )
        if len(parties) == 2:
            sources, targets = parties[:1], parties[1:]
    return sources, targets


def _prep_targets(tok: Token, ctx: ArticleContext, depth: int = 1, skip: tuple[str, ...] = ()) -> list[Actor]:
    """Actors in the role prepositions of `tok` ("sanctions on X", "talks with X"), and with `depth`
    in those of its prepositional objects ("spoke by telephone with X"); `skip` leaves some out
    ("from" names the giver of a transfer, not its recipient)."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ROLE_PREPS and prep.lower_ not in skip:
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    found = actors_at(pobj, ctx)
                    if found:
                        return found
    if depth:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ not in skip:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and not actors_at(pobj, ctx, deep=False):
                        found = _prep_targets(pobj, ctx, depth - 1, skip)
                        if found:
                            return found
    return []


# --------------------------------------------------------------------------------------------
# Status, claimant, mode


def _clause_chain(tok: Token, limit: int = 4) -> list[Token]:
    """The trigger's governors up to (and including) the first verb above it."""
    chain = []
    cur = tok
    while cur.head != cur and len(chain) < limit:
        cur = cur.head
        chain.append(cur)
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("aux",):
            break
    return chain


def status_of(trigger: Token, head: Token) -> str:
    """Status from negation, auxiliaries, governing words and modifiers."""
    verbs = [head] if head == trigger else [head, trigger]
    if (
        trigger.pos_ in ("NOUN", "PROPN")
        and trigger.dep_ in ("nsubj", "nsubjpass")
        and trigger.head.lemma_.lower() in OCCUR_VERBS
    ):
        verbs.append(trigger.head)  # "a summit could occur", "talks will take place"
    for v in verbs:
        kids = {c.lower_ for c in v.children if c.dep_ == "neg"}
        kids |= {c.lower_ for c in v.children if c.dep_ == "det" and c.lower_ == "no"}
        if kids:
            return "negated"
    chain = _clause_chain(trigger)
    if any(g.lemma_.lower() in NEGATING_GOVERNORS and g.i < trigger.i for g in chain[:2]):
        # "denied attacking"; not "X accused Y of Z, a charge Y denied" (the denial comes after)
        return "negated"
    for v in verbs:
        aux = {c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")}
        if aux & {"will", "shall", "'ll", "wo"}:
            return "planned"
        if "would" in aux and _reported(v):
            return "planned"  # "said it would expel": the future of reported speech
        if aux & {"could", "may", "might", "can", "would"}:
            return "possible"
        if "to" in aux and v.dep_ == "xcomp" and v.head.lemma_.lower() in PLANNED_GOVERNORS:
            return "planned"
    for g in chain:
        lemma = g.lemma_.lower()
        if lemma in HYPOTHETICAL_GOVERNORS:
            return "hypothetical"
        if (
            lemma in PLANNED_GOVERNORS
            or (g.lower_ == "of" and g.head.lower_ == "ahead")
            or g.lower_ == "ahead"
            or (g.lower_ == "before" and trigger.dep_ == "pobj")
        ):
            return "planned"
        subj = [c for c in g.children if c.dep_ == "nsubj"]
        if any(s.lemma_.lower() in PLANNED_GOVERNORS | {"preparation", "plan"} for s in subj):
            return "planned"
        if lemma in POSSIBLE_GOVERNORS:
            return "possible"
    for c in trigger.children:
        if c.dep_ in ("amod", "compound") and c.lower_ in FUTURE_MODIFIERS:
            return FUTURE_MODIFIERS[c.lower_]
    return "occurred"


def _reported(verb: Token) -> bool:
    """A verb in the clause a speech verb reports ("Algeria said it would expel ...")."""
    return verb.dep_ in ("ccomp", "parataxis") and verb.head.lemma_.lower() in SPEECH_VERBS


def claimant_of(trigger: Token, ctx: ArticleContext) -> Actor | None:
    """Who the sentence attributes the event to: the subject of a speech verb governing it, or the
    object of "according to"."""
    cur = trigger
    for _ in range(6):
        if cur.head == cur:
            break
        if cur.dep_ in ("ccomp", "parataxis") and cur.head.lemma_.lower() in SPEECH_VERBS:
            subj, _ = _subject_of(cur.head)
            found = [a for s in subj for a in actors_at(s, ctx)]
            if found:
                return found[0]
        cur = cur.head
    for tok in trigger.sent:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            for g in tok.doc[tok.i + 1].children:
                if g.dep_ == "pobj":
                    found = actors_at(g, ctx)
                    if found:
                        return found[0]
    return None


def mode_of(trigger: Token, spec: TriggerSpec) -> str | None:
    """The spec's mode, refined by words in the trigger's phrase (phone call, military aid)."""
    lex = lexicon()
    near = {t.lower_ for t in trigger.lefts} | {trigger.lower_}  # "phone call", "air strike"
    if trigger.i > 0:
        near.add(trigger.doc[trigger.i - 1].lower_)
    words = near | {t.lower_ for t in trigger.subtree}  # "arming Kyiv with weapons"
    if spec.event_type == "AID":
        for mode in ("military", "humanitarian", "economic"):
            if words & lex.mode_words[mode]:
                return mode
    if spec.event_type == "CONSULT" and near & lex.mode_words["phone"]:
        return "phone"
    if spec.event_type == "ASSAULT" and near & lex.mode_words["aerial"]:
        return "aerial"
    return spec.mode or None


# --------------------------------------------------------------------------------------------
# Time and place attachment


def _clause_head(tok: Token) -> Token:
    """The verb (or event noun) a modifier attaches to: walk up until a verb or a trigger noun."""
    cur = tok
    for _ in range(8):
        if cur.head == cur:
            return cur
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX") or _noun_trigger(cur):
            return cur
    return cur


def _attachments(doc: Doc, spans: list[tuple[int, int, object]]) -> dict[int, object]:
    """Map clause-head token index -> the first expression attached there."""
    out: dict[int, object] = {}
    for start, end, item in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        out.setdefault(_clause_head(span.root).i, item)
    return out


def _inherited(
    tok: Token, attached: dict[int, object], triggers: set[int], through_speech: bool = True
) -> object | None:
    """The expression attached to the trigger's clause, or to a clause it hangs off; with
    `through_speech` false, not from the reporting clause ("..., the minister in Warsaw said")."""
    if tok.i in attached:
        return attached[tok.i]
    # An event noun that is the object of a plain verb takes that verb's modifiers
    # ("follows a phone call on October 16").
    if tok.dep_ in ("dobj", "nsubj", "nsubjpass") and tok.head.i in attached and tok.head.i not in triggers:
        return attached[tok.head.i]
    cur = tok
    for _ in range(10):
        if cur.head == cur:
            return None
        if (
            not through_speech
            and cur.dep_ in ("ccomp", "parataxis")
            and cur.head.lemma_.lower() in SPEECH_VERBS
        ):
            return None
        cur = cur.head
        if cur.i in attached:
            return attached[cur.i]
        for child in cur.children:
            if child.dep_ in ("dobj",) and child.i in attached and child.i != tok.i and cur.i not in triggers:
                return attached[child.i]
    return None


# --------------------------------------------------------------------------------------------
# Sentence and article


@dataclass
class _Sentence:
    """One parsed sentence and what every trigger in it shares: the other triggers, the time and
    place expressions attached to clauses."""

    doc: Doc
    sentence: Sentence
    ctx: ArticleContext
    triggers: list[tuple[Token, TriggerSpec, Token]]
    time_at: dict[int, object]
    place_at: dict[int, object]
    places: list[Place]
    trace: list | None

    @property
    def trigger_ids(self) -> set[int]:
        return {t.i for t, _, _ in self.triggers}


def sentence_mentions(
    doc: Doc,
    sentence: Sentence,
    ctx: ArticleContext,
    trace: list[tuple[str, str, str]] | None = None,
    times: list[TimeExpression] | None = None,
) -> list[Mention]:
    """All event mentions in one parsed sentence (doc offsets are sentence-relative). `times` are
    the sentence's time expressions (found over the whole article, so that "the following day"
    reads against the article's dates); without them, they are found in the sentence alone. With
    `trace`, (trigger, type, outcome) is appended for every trigger, to explain what was kept or
    dropped."""
    article = ctx.article
    for ent in doc.ents:
        actor = resolve(ent.root, ent)
        if actor and ent.label_ in ("PERSON", "ORG", "GPE", "NORP"):
            ctx.remember(actor)
    triggers = list(find_triggers(doc[:]))
    if times is None:
        times = find_times(doc.text, article.publication_date)
    time_at = _attachments(
        doc,
        [
            (t.start, t.end, t)
            for t in times
            if t.type in ("DATE", "TIME", "DURATION") and t.start_date is not None
        ],
    )
    all_places = find_places(doc, context=ctx.place_countries)
    ctx.place_countries.update(p.country for p in all_places)
    places = [p for p in all_places if _is_event_place(doc, p)]
    place_at = _attachments(doc, [(p.start, p.end, p) for p in places])
    scope = _Sentence(doc, sentence, ctx, triggers, time_at, place_at, all_places, trace)
    ids = scope.trigger_ids
    heads = {h.i for _, _, h in triggers}
    spec_at = {t.i: spec for t, spec, _ in triggers}
    mentions: list[Mention] = []
    for trigger, spec, head in triggers:
        note = _noter(trace, trigger, spec)
        if _embedded(trigger, head, ids) or _negates_event(trigger, heads) or _has_content(trigger, ids):
            note("embedded")
            continue
        sources, targets = roles(trigger, head, spec, ctx)
        conditional = _conditional_threat(trigger, spec)
        spec = _reading(trigger, spec, sources, targets, spec_at)
        if spec is None:
            note("not an event for these actors")
            continue
        mentions += _trigger_mentions(scope, trigger, spec, head, sources, targets, note, conditional)
    if not mentions:
        mentions = _fallback(scope)
    if any(not m.background for m in mentions):
        for m in mentions:
            if m.background and trace is not None:
                trace.append((m.trigger_text, m.event_type, "background"))
        mentions = [m for m in mentions if not m.background]
    return mentions


def _trigger_mentions(
    scope: _Sentence,
    trigger: Token,
    spec: TriggerSpec,
    head: Token,
    sources: list[Actor],
    targets: list[Actor],
    note,
    conditional: bool = False,
    fallback: bool = False,
) -> list[Mention]:
    """The mentions one trigger gives, one per dyad: status, claimant, time and place attached,
    generic actors placed, targets completed, confidence scored."""
    ctx, doc, sentence = scope.ctx, scope.doc, scope.sentence
    article = ctx.article
    if not sources and spec.event_type == "PROTEST":
        sources = _crowd(doc, scope.places, ctx)  # "rallies were held in 40 Brazilian cities"
    if not sources and not targets:
        note("no actors")
        return []
    status = status_of(trigger, head)
    if conditional:
        status = "occurred"  # "would attack unless ...": the threat is made, whatever follows
    claimant = claimant_of(trigger, ctx)
    time = _inherited(trigger, scope.time_at, scope.trigger_ids)
    place = _inherited(trigger, scope.place_at, scope.trigger_ids, through_speech=False)
    if isinstance(time, TimeExpression) and status == "occurred" and _ahead(time, article.publication_date):
        status = "planned"
    mode = mode_of(trigger, spec)
    symmetric = spec.event_type in lexicon().symmetric
    home = _home_country(place, scope.places, ctx)
    sources = [_localized(a, home) for a in sources]
    targets = [_localized(a, home) for a in targets]
    if not any(t.country or t.kind == "generic" for t in targets):
        found = _deep_target(trigger, head, sources)
        if found is None and spec.event_type in TARGET_OPTIONAL:
            found = _place_target(trigger, head, place, scope.places)
        targets = [found] if found else targets
    sources, targets = _localized_by_party(sources, targets)
    if not targets and spec.event_type in DOMESTIC_DEFAULT:
        targets = _domestic(sources)  # "Ethiopia shut down mobile internet in Amhara"
    if (
        not targets
        and spec.event_type not in TARGET_OPTIONAL
        and not fallback
        and not _reported_alone(trigger, head, sources)
    ):
        note(f"no target (source {', '.join(str(a.country) for a in sources)})")
        return []
    note("kept" if not fallback else "kept (fallback)")
    if spec.event_type in TARGET_OPTIONAL and sources and targets:
        targets = [t for t in targets if not any(_same_actor(s, t) for s in sources)]
    sources, targets = _unique(sources), _unique(targets)  # localizing can make two actors one
    out = []
    for s in sources or [None]:
        for t in targets or [None]:
            if s is not None and t is not None and _same_actor(s, t):
                continue
            features = confidence_features(
                trigger, spec, s, t, status, sentence.section, len(scope.triggers), fallback
            )
            out.append(
                Mention(
                    event_type=spec.event_type,
                    mode=mode,
                    status=status,
                    source=s,
                    target=t,
                    claimant=claimant,
                    time=time,
                    place=place,
                    section=sentence.section,
                    sentence_index=sentence.index,
                    sentence_start=sentence.start,
                    sentence_end=sentence.end,
                    sentence_text=article.sentence_text(sentence),
                    trigger_start=sentence.start + trigger.idx,
                    trigger_end=sentence.start + trigger.idx + len(trigger.text),
                    trigger_text=trigger.text,
                    confidence=confidence_of(features),
                    features=features,
                    symmetric=symmetric,
                    background=_background(trigger, head),
                )
            )
    return out


#: How far below the root of the parse a fallback trigger may sit (deeper words are background).
MAX_FALLBACK_DEPTH = 2


def _fallback(scope: _Sentence) -> list[Mention]:
    """When the parse gives no event, a last reading of the sentence: the lexicon word nearest the
    root of the parse, wherever the parser put it, with the sentence's actors in order (source
    first) and the claimant's out. Marked as a fallback, which lowers its confidence."""
    lex = lexicon()
    doc = scope.doc
    candidates = []
    for tok in doc:
        if tok.pos_ not in ("VERB", "NOUN", "PROPN") or tok.ent_type_:
            continue
        lemma = tok.lemma_.lower()
        spec = (
            lex.verbs.get(lemma)
            if tok.pos_ == "VERB"
            else (lex.nouns.get(tok.lower_) or lex.nouns.get(lemma))
        )
        if spec is None or lemma in SPEECH_VERBS:
            continue
        depth = sum(1 for _ in tok.ancestors)
        candidates.append((depth, tok.i, tok, spec))
    if not candidates:
        return []
    depth, _, trigger, spec = min(candidates, key=lambda c: c[:2])
    if depth > MAX_FALLBACK_DEPTH:
        return []
    claimant = claimant_of(trigger, scope.ctx)
    actors = []
    for ent in doc.ents:
        actor = resolve(ent.root, ent)
        if (
            actor is None
            or not actor.country
            or (ent.root.dep_ == "nsubj" and ent.root.head.lemma_.lower() in SPEECH_VERBS)
        ):
            continue
        if claimant is not None and (actor.name, actor.country) == (claimant.name, claimant.country):
            continue
        actors.append((ent.start > trigger.i, actor))
    actors = [a for _, a in sorted(actors, key=lambda x: x[0])]
    actors = _unique(actors)
    if not actors:
        return []
    sources, targets = (
        actors[:1],
        [a for a in actors[1:2] if a.country != actors[0].country or a.kind != "country"],
    )
    note = _noter(scope.trace, trigger, spec)
    return _trigger_mentions(scope, trigger, spec, trigger, sources, targets, note, fallback=True)


def _background(trigger: Token, head: Token) -> bool:
    """An event the sentence tells as background of another: in a relative clause ("which
    severed relations last year"), a temporal or causal clause ("after gendarmes shot a man"), or a
    noun after a temporal or causal preposition ("after clashes with ...", "despite objections")."""
    if trigger.dep_ == "pobj" and trigger.head.lower_ in BACKGROUND_PREPS:
        return True
    cur = head
    for _ in range(8):
        if cur.dep_ == "relcl" and cur.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return True
        if cur.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS for c in cur.children
        ):
            return True
        if cur.dep_ == "pobj" and cur.head.lower_ in BACKGROUND_PREPS:
            return True
        if cur.head == cur:
            return False
        cur = cur.head
    return False


def _main_predicate(tok: Token) -> bool:
    """The sentence's main predicate: its root, what a root speech verb reports ("X said Y
    [did]"), a conjunct of either, or a verb the root controls ("is expected to demand")."""
    for _ in range(4):
        if tok.dep_ == "ROOT":
            return True
        reported = tok.dep_ in ("ccomp", "parataxis") and tok.head.lemma_.lower() in SPEECH_VERBS
        controlled = (
            tok.dep_ == "xcomp"
            and tok.head.pos_ in ("VERB", "AUX")
            and tok.head.lemma_.lower() not in SPEECH_VERBS
        )
        if not (tok.dep_ == "conj" or reported or controlled):
            return False
        tok = tok.head
    return False


def _reported_alone(trigger: Token, head: Token, sources: list[Actor]) -> bool:
    """A verbal event with a known source but no named target is kept when it is what the
    sentence reports ("North Korea threatened to take action", "Taiwan might seek observer
    status"); a target-less verb in a side clause is left out."""
    return (
        _verbal(trigger) and head == trigger and any(a.country for a in sources) and _main_predicate(trigger)
    )


def _noter(trace: list | None, trigger: Token, spec: TriggerSpec):
    def note(outcome: str) -> None:
        if trace is not None:
            trace.append((trigger.text, spec.event_type, outcome))

    return note


_OBJECT_DEPS = frozenset({"dobj", "dative", "iobj", "prep", "attr", "oprd", "xcomp", "ccomp", "advcl", "acl"})


def _argument_tokens(trigger: Token, head: Token) -> Iterator[Token]:
    """Tokens in the trigger's complements (objects, prepositional phrases, clauses), in order,
    without its subject or the reporting clause above it."""
    seen: set[int] = set()
    heads = [head, trigger]
    if trigger.dep_ in ("compound", "amod") and _headline_verb(trigger):
        heads.append(trigger.head)  # "Junta lifts curfew in Mandalay"
    gov = trigger.head
    while gov.pos_ not in ("VERB", "AUX") and gov.head != gov:
        gov = gov.head
    if gov != trigger and gov.lemma_.lower() in lexicon().light_verbs:
        heads.append(gov)  # "sent $300 million in military assistance to Taiwan"
    for tok in heads:
        for child in tok.children:
            if child.dep_ in _OBJECT_DEPS or (child.dep_ == "nsubjpass" and tok == trigger):
                for t in child.subtree:
                    if t.i not in seen:
                        seen.add(t.i)
                        yield t


def _deep_target(trigger: Token, head: Token, sources: list[Actor]) -> Actor | None:
    """A target named inside the event's complements when no argument is an actor itself:
    "criticised Israel's settlement policy", "banned imports of Belarusian timber"."""
    own = {a.country for a in sources}
    for tok in _argument_tokens(trigger, head):
        ent = _entity_of(tok)
        if ent is None or ent.root != tok or ent.label_ not in ("GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"):
            continue
        if (
            tok.dep_ == "dobj"
            and tok.head.lemma_.lower() in THEME_OBJECT_VERBS
            and not any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.head.children)
        ):
            continue  # "proposed Budapest as the site": the theme ("provided X with aid" has a recipient)
        actor = resolve(tok, ent)
        if actor is not None and actor.country and actor.country not in own:
            return actor
    return None


def _place_target(trigger: Token, head: Token, place: Place | None, places: list[Place]) -> Actor | None:
    """For a material act with no named target, the country where it lands: "pulled out of the
    Somali town of Baidoa", "struck a refinery in Russia's Volgograd region"."""
    if place is None:
        spans = [(t.idx, t.idx + len(t.text)) for t in _argument_tokens(trigger, head)]
        place = next((p for p in places if any(a <= p.start < b for a, b in spans)), None)
    if place is None:
        return None
    return Actor(place.name, place.country, None, "place", place.text)


def _domestic(sources: list[Actor]) -> list[Actor]:
    """The unnamed people of the source's own country, as the target of an act on them."""
    home = next((a.country for a in sources if a.country and a.country not in GROUP_CODES), None)
    return [Actor(f"{country_name(home)} (unnamed)", home, None, "implied", "")] if home else []


def _crowd(doc: Doc, places: list[Place], ctx: ArticleContext) -> list[Actor]:
    """The unnamed protesters of a protest with no actor: people of the country where it happens
    (the sentence's places, else the first country it names)."""
    home = _home_country(None, places, ctx)
    if home is None:
        home = next((a.country for e in doc.ents if (a := resolve(e.root, e)) and a.kind == "country"), None)
    if home is None:
        return []
    return [Actor(f"{country_name(home)} protesters", home, "CVL", "generic", "")]


def _home_country(place: Place | None, places: list[Place], ctx: ArticleContext) -> str | None:
    """Where an actor named only by a common noun ("police", "protesters") acts: the event's place,
    else the first place in the sentence, else the article's most mentioned place country."""
    if place is not None:
        return place.country
    if places:
        return places[0].country
    if ctx.place_countries:
        return ctx.place_countries.most_common(1)[0][0]
    return None


def _localized(actor: Actor, home: str | None) -> Actor:
    """A generic actor or an unknown organisation placed in the country it acts in."""
    if actor.country is not None or actor.kind not in ("generic", "institution", "group") or home is None:
        return actor
    name = f"{country_name(home)} {actor.name}" if actor.kind == "generic" else actor.name
    return Actor(name, home, actor.sector, actor.kind, actor.text)


def _reading(
    trigger: Token,
    spec: TriggerSpec,
    sources: list[Actor],
    targets: list[Actor],
    spec_at: dict[int, TriggerSpec],
) -> TriggerSpec | None:
    """The trigger's type once its actors are known (None: no event for these actors): by who acts (`sector_readings`: civilians who
    block a road protest, soldiers who occupy a town assault it), an exercise with one party
    (MOBILIZE), and a vow or pledge typed by what it promises."""
    lex = lexicon()
    lemma = trigger.lemma_.lower()
    keys = [lemma, trigger.lower_] + [
        f"{lemma} {c.lower_}" for c in trigger.children if c.dep_ in ("prt", "prep", "advmod")
    ]
    group = next((lex.sector_group.get(a.sector or "") for a in sources if a.sector), None)
    if spec is PENDING:
        reading = lex.sector_triggers.get(lemma, {}).get(group or "")
        return TriggerSpec(reading, "") if reading else None
    for key in keys:
        reading = lex.sector_readings.get(key, {}).get(group or "")
        if reading and reading != spec.event_type:
            return TriggerSpec(reading, "")
    if (
        spec.event_type == "COOPERATE"
        and (lemma in lex.exercise_nouns or trigger.lower_ in lex.exercise_nouns)
        and not _joint(trigger)
        and len(sources) <= 1
        and not targets
    ):
        return TriggerSpec("MOBILIZE", "troops")  # "the navy held exercises in the Baltic"
    if _conditional_threat(trigger, spec):
        return TriggerSpec("THREATEN", "")  # "would resume attacks unless the government halted ..."
    if lemma in lex.commissive:
        for c in trigger.children:
            promised = spec_at.get(c.i) if c.dep_ in ("xcomp", "ccomp") else None
            if promised is not None:
                conflict = QUAD_OF_TYPE[promised.event_type].endswith("CONFLICT")
                return TriggerSpec("THREATEN" if conflict else "AGREE", "")
    return spec


def _conditional_threat(trigger: Token, spec: TriggerSpec) -> bool:
    """A conflict act announced for the future on a condition: a threat ("would attack the
    capital unless Bamako freed their leaders")."""
    return (
        QUAD_OF_TYPE.get(spec.event_type) == "MATERIAL_CONFLICT"
        and any(c.dep_ == "aux" and c.lower_ in ("would", "will", "'ll") for c in trigger.children)
        and any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("unless", "if") for m in c.children)
            for c in trigger.children
        )
    )


def _localized_by_party(sources: list[Actor], targets: list[Actor]) -> tuple[list[Actor], list[Actor]]:
    """With no place to go by, a generic actor is taken to belong to the other party's country:
    "Colombia's ELN rebels turned down the government's offer" (the Colombian government)."""

    def home(actors: list[Actor]) -> str | None:
        return next((a.country for a in actors if a.country and a.kind != "generic"), None)

    src_home, tgt_home = home(sources), home(targets)
    return [_localized(a, tgt_home) for a in sources], [_localized(a, src_home) for a in targets]


_CONTENT_DEPS = frozenset(
    {"xcomp", "ccomp", "dobj", "pobj", "prep", "acl", "nsubjpass", "attr", "oprd", "pcomp"}
)


def _embedded(trigger: Token, head: Token, trigger_ids: set[int]) -> bool:
    """A trigger that is the content of another event in its clause is not an event of its own:
    "agreed to cut tariffs", "urged them to speed up deliveries", "rejected the offer",
    "opposition to missile supplies", "threatened to impose sanctions". Coordinated and
    independent clauses ("attacked and killed") are events of their own."""
    if any(
        c.i in trigger_ids and c.dep_ in ("compound", "amod") and _headline_verb(c) for c in trigger.children
    ):
        return True  # "Junta lifts [curfew]": the object of a headline verb
    cur = head
    for _ in range(6):
        if cur.head == cur:
            return False
        dep, cur = cur.dep_, cur.head
        if cur.i in trigger_ids and cur.i != trigger.i:
            if cur.lemma_.lower() in NEGATING_GOVERNORS | lexicon().containers:
                return False  # "denied attacking", "a proposal for talks": the content is the event
            return dep in _CONTENT_DEPS
        if (
            cur.pos_ in ("VERB", "AUX")
            and cur.lemma_.lower() not in lexicon().light_verbs
            and cur.dep_ not in ("xcomp", "ccomp")  # "agreed to [cut tariffs]": still the content
        ):
            return False
    return False


def _has_content(trigger: Token, trigger_ids: set[int]) -> bool:
    """A container noun whose content is another event ("a proposal [for direct talks]")."""
    if trigger.lemma_.lower() not in lexicon().containers:
        return False
    return any(t.i in trigger_ids and t.i != trigger.i for t in trigger.subtree if t.i > trigger.i)


def _negates_event(trigger: Token, heads: set[int]) -> bool:
    """ "Deny" and "fail" governing another event negate it rather than being events themselves."""
    if trigger.lemma_.lower() not in NEGATING_GOVERNORS:
        return False
    return any(c.i in heads and c.dep_ in ("xcomp", "ccomp", "dobj", "pcomp") for c in trigger.children)


_PLACE_MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod", "appos"})
_DIRECTIONS = frozenset(
    {"west", "east", "north", "south", "northwest", "northeast", "southwest", "southeast"}
)


def _is_event_place(doc: Doc, place: Place) -> bool:
    """A place says where an event happened when a locative preposition governs it ("in Budapest",
    "in Congo's North Kivu province", "west of Mandera"), when it is the object of a material act
    ("captured the town of Sake"), or when it names an event noun ("the Alaska meeting"); "Moscow
    said" and "supplies to Kyiv" do not."""
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ in ("compound", "nmod") and _noun_trigger(root.head) is not None:
        return True
    np = root
    for _ in range(4):  # up to the noun phrase the place modifies: "the southern Cusco region"
        if np.dep_ in _PLACE_MODIFIER_DEPS and np.head != np:
            np = np.head
        elif np.dep_ == "pobj" and np.head.lower_ == "of" and np.head.head.pos_ in ("NOUN", "ADV", "ADJ"):
            np = np.head.head  # "the town of Sake", "west of Mandera"
        else:
            break
    if np.lower_ in _DIRECTIONS:
        return True
    if np.dep_ == "pobj":
        return np.head.lower_ in LOCATIVE_PREPS
    if np.dep_ in ("dobj", "nsubjpass") and np.head.pos_ == "VERB":
        spec = lexicon().verbs.get(np.head.lemma_.lower())
        return spec is not None and spec.event_type in _PLACE_OBJECT_TYPES
    return False


_PLACE_OBJECT_TYPES = frozenset({"ASSAULT", "COERCE", "MOBILIZE", "RETREAT", "PROTEST"})


def _ahead(time: TimeExpression, publication: dt.date) -> bool:
    """The expression points after publication: a later date, or a window opening now ("within two
    weeks", "in the coming days")."""
    if time.start_date is None or time.end_date is None:
        return False
    return time.start_date > publication or (
        time.start_date >= publication and time.end_date > publication and time.precision == "window"
    )


def _same_actor(a: Actor, b: Actor) -> bool:
    """Two readings of one actor: the same name, or a state and its own office holder or organ
    ("Hungary's Orban", "Russia's Kremlin")."""
    if (a.name, a.country) == (b.name, b.country):
        return True
    if a.country != b.country or a.country is None or "country" not in (a.kind, b.kind):
        return False
    other = b if a.kind == "country" else a
    return other.sector in (None, "GOV")  # the opposition, the police or rebels are not the state


CONFIDENCE_FEATURES = (
    "verb_trigger",
    "source_country",
    "target_country",
    "target_by_place",
    "generic_source",
    "not_occurred",
    "headline",
    "quoted",
    "other_triggers",
    "ambiguous_trigger",
    "target_implied",
    "main_predicate",
    "fallback",
)


def confidence_features(
    trigger: Token,
    spec: TriggerSpec,
    source: Actor | None,
    target: Actor | None,
    status: str,
    section: str,
    n_triggers: int,
    fallback: bool = False,
) -> dict[str, float]:
    """What the confidence of a mention is computed from (see `data/confidence.json`)."""
    before = trigger.doc[: trigger.i].text
    return {
        "verb_trigger": float(_verbal(trigger)),
        "source_country": float(source is not None and source.country is not None),
        "target_country": float(target is not None and target.country is not None),
        "target_by_place": float(target is not None and target.kind == "place"),
        "generic_source": float(source is not None and source.kind == "generic"),
        "not_occurred": float(status != "occurred"),
        "headline": float(section == "title"),
        "quoted": float(before.count('"') % 2 == 1 or before.count("“") > before.count("”")),
        "other_triggers": float(min(n_triggers - 1, 3)),
        "ambiguous_trigger": float(trigger.lemma_.lower() in lexicon().ambiguous),
        "target_implied": float(target is not None and target.kind == "implied"),
        "main_predicate": float(_main_predicate(trigger)),
        "fallback": float(fallback),
    }


@cache
def _weights() -> tuple[float, dict[str, float]]:
    data = load_json("confidence.json")
    return data["intercept"], data["weights"]


def confidence_of(features: dict[str, float]) -> float:
    """Logistic score of the features with the fitted weights, in (0, 1)."""
    intercept, weights = _weights()
    z = intercept + sum(weights.get(k, 0.0) * v for k, v in features.items())
    return round(1 / (1 + math.exp(-z)), 3)


def extract_article(article: Article, docs: list[Doc]) -> list[Mention]:
    """Mentions of an article whose sentences are already parsed (one Doc per sentence)."""
    ctx = ArticleContext(article)
    mentions: list[Mention] = []
    times = find_times(article.text, article.publication_date)  # once, over the whole text
    for sentence, doc in zip(article.sentences, docs, strict=True):
        own = [
            dataclasses.replace(t, start=t.start - sentence.start, end=t.end - sentence.start)
            for t in times
            if sentence.start <= t.start and t.end <= sentence.end
        ]
        mentions += sentence_mentions(doc, sentence, ctx, times=own)
    return mentions


# --------------------------------------------------------------------------------------------
# Merging mentions into events

_FUTURE = {"planned", "possible", "hypothetical"}


def _status_group(status: str) -> str:
    return "future" if status in _FUTURE else status


def _party(actor: Actor | None, by_country: bool) -> str:
    if actor is None:
        return ""
    return (actor.country or actor.name) if by_country else f"{actor.name}|{actor.country}"


def _dyad_key(m: Mention, by_country: bool) -> tuple:
    a, b = _party(m.source, by_country), _party(m.target, by_country)
    return tuple(sorted((a, b))) if m.symmetric else (a, b)


def _dates_compatible(a: Mention, b: Mention) -> bool:
    ta, tb = a.time, b.time
    if not isinstance(ta, TimeExpression) or not isinstance(tb, TimeExpression):
        return True
    return not (ta.end_date < tb.start_date or tb.end_date < ta.start_date)


def _richness(m: Mention) -> tuple:
    return (not _partial(m), m.section == "body", m.time is not None, m.place is not None, m.confidence)


def merge_mentions(mentions: list[Mention]) -> list[list[Mention]]:
    """Group mentions describing the same event: same type, dyad and status group, compatible dates;
    a headline/dek/summary mention also joins a body event of the same quad class and country dyad,
    and a mention that names one party only ("the pullback") joins the event it is part of."""
    groups: list[list[Mention]] = []
    order = sorted(mentions, key=lambda m: (_partial(m), m.section != "body", m.trigger_start))
    for m in order:
        home = None
        for g in groups:
            lead = g[0]
            same = lead.event_type == m.event_type and _dyad_key(lead, False) == _dyad_key(m, False)
            if not same and m.section != "body":
                same = QUAD_OF_TYPE[lead.event_type] == QUAD_OF_TYPE[m.event_type] and _dyad_key(
                    lead, True
                ) == _dyad_key(m, True)
            if not same and _partial(m) and not _partial(lead):
                same = lead.event_type == m.event_type and _covers(lead, m)
            modes = {x.mode for x in g if x.mode} | ({m.mode} if m.mode else set())
            if (
                same
                and len(modes) <= 1
                and _status_group(lead.status) == _status_group(m.status)
                and all(_dates_compatible(x, m) for x in g)
            ):
                home = g
                break
        if home is None:
            groups.append([m])
        else:
            home.append(m)
    return groups


def _partial(m: Mention) -> bool:
    return m.source is None or m.target is None or m.target.kind == "implied"


def _covers(full: Mention, part: Mention) -> bool:
    """The party a partial mention names plays the same role in the full one (either role when the
    event is symmetric)."""
    known = [(role, a) for role, a in (("source", part.source), ("target", part.target)) if a is not None]
    if not known or (part.target is not None and part.target.kind == "implied" and len(known) == 1):
        return False
    for role, actor in known:
        if actor.kind == "implied":
            continue
        roles = {"source": full.source, "target": full.target}
        candidates = list(roles.values()) if full.symmetric else [roles[role]]
        if not any(c is not None and _party(c, True) == _party(actor, True) for c in candidates):
            return False
    return True


# --------------------------------------------------------------------------------------------
# Rows


def event_rows(article: Article, mentions: list[Mention]) -> tuple[list[dict], list[dict]]:
    """The `events` and `event_mentions` rows of one article."""
    events: list[dict] = []
    mention_rows: list[dict] = []
    for group in merge_mentions(mentions):
        group = list({_mention_key(m): m for m in group}.values())  # one row per textual mention
        best = max(group, key=_richness)
        time = next((m.time for m in sorted(group, key=_richness, reverse=True) if m.time), None)
        place = next((m.place for m in sorted(group, key=_richness, reverse=True) if m.place), None)
        claimant = next((m.claimant for m in group if m.claimant), None)
        status = best.status
        if time is not None:
            start, end = time.start_date, time.end_date
            precision, basis, date_text = time.precision, time.basis, time.text
        else:
            start = end = article.publication_date
            precision, basis, date_text = "day", "publication", None
        if status == "occurred" and start > article.publication_date:
            status = "planned"
        key = (
            best.event_type,
            _party(best.source, False),
            _party(best.target, False),
            status,
            start.isoformat(),
            best.sentence_index,
            best.trigger_start,
        )
        event_id = stable_id("event", article.article_id, *key)
        n = len(group)
        confidence = round(min(0.99, best.confidence + 0.05 * (n - 1)), 3)
        events.append(
            {
                "event_id": event_id,
                "article_id": article.article_id,
                "publication_date": article.publication_date,
                "event_type": best.event_type,
                "event_mode": best.mode,
                "quad_class": QUAD_OF_TYPE[best.event_type],
                "status": status,
                "claimant": claimant.name if claimant else None,
                "claimant_country": claimant.country if claimant else None,
                **_actor_cols("source", best.source),
                **_actor_cols("target", best.target),
                "event_date": start,
                "event_date_end": end,
                "date_precision": precision,
                "date_basis": basis,
                "date_text": date_text,
                "location_name": place.name if place else None,
                "location_country": place.country if place else None,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "geonames_id": place.geonames_id if place else None,
                "location_precision": place.precision if place else None,
                "section": best.section,
                "sentence_index": best.sentence_index,
                "sentence_start": best.sentence_start,
                "sentence_end": best.sentence_end,
                "sentence_text": best.sentence_text,
                "trigger_text": best.trigger_text,
                "mention_count": n,
                "confidence": confidence,
                "extractor_version": EXTRACTOR_VERSION,
            }
        )
        for m in group:
            mention_rows.append(
                {
                    "mention_id": stable_id("mention", event_id, *_mention_key(m)),
                    "event_id": event_id,
                    "article_id": article.article_id,
                    "section": m.section,
                    "sentence_index": m.sentence_index,
                    "sentence_start": m.sentence_start,
                    "sentence_end": m.sentence_end,
                    "sentence_text": m.sentence_text,
                    "trigger_start": m.trigger_start,
                    "trigger_end": m.trigger_end,
                    "trigger_text": m.trigger_text,
                }
            )
    return events, _dedupe(mention_rows, "mention_id")


def _mention_key(m: Mention) -> tuple:
    return (m.sentence_index, m.trigger_start, _party(m.source, False), _party(m.target, False))


def _dedupe(rows: list[dict], key: str) -> list[dict]:
    seen: set = set()
    out = []
    for r in rows:
        if r[key] not in seen:
            seen.add(r[key])
            out.append(r)
    return out


def _actor_cols(role: str, actor: Actor | None) -> dict:
    if actor is None:
        return {f"{role}_text": None, f"{role}_name": None, f"{role}_country": None, f"{role}_sector": None}
    return {
        f"{role}_text": actor.text or actor.name,
        f"{role}_name": actor.name,
        f"{role}_country": actor.country,
        f"{role}_sector": actor.sector,
    }


# --------------------------------------------------------------------------------------------
# Batch interface


def parse_sentences(articles: list[Article], nlp, batch_size: int = 256) -> Iterator[list[Doc]]:
    """Parse every sentence of the articles with one `nlp.pipe` stream; yields the docs per article."""
    texts = (a.sentence_text(s) for a in articles for s in a.sentences)
    docs = nlp.pipe(texts, batch_size=batch_size)
    for article in articles:
        yield [next(docs) for _ in article.sentences]


def extract(
    articles: list[Article], nlp=None, failures: list[tuple[Article, str]] | None = None
) -> tuple[list[dict], list[dict]]:
    """Event and mention rows for the articles (article in, events out).

    Only English, non-duplicate articles are read; others yield no events. An exception raised
    while reading one article propagates, unless `failures` is given: then the article is logged,
    added to it with the error, and skipped, so one bad article does not stop the rest.
    """
    from pipeline.nlp import get_nlp

    nlp = nlp or get_nlp()
    todo = [a for a in articles if a.extractable]
    events: list[dict] = []
    mentions: list[dict] = []
    for article, docs in zip(todo, parse_sentences(todo, nlp), strict=True):
        try:
            e, m = event_rows(article, extract_article(article, docs))
        except Exception as exc:
            if failures is None:
                raise
            log.exception("extraction failed for %s", article.source_file)
            failures.append((article, f"{type(exc).__name__}: {exc}"))
            continue
        events += e
        mentions += m
    return events, mentions
