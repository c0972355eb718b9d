"""Stable pseudonyms for leaderboards: an adjective and an animal ("Curious Otter").

A pseudonym is drawn at random (``secrets``) when a person's engagement profile is made and stored,
so it says nothing about who they are (it is not derived from their id, name or email) and is the
same on every board. It is unique within the tenant: a name already taken gets a number
("Curious Otter 42"), and the caller draws again when the database says it clashed.
"""

from __future__ import annotations

import secrets

ADJECTIVES = (
    "Agile", "Amber", "Ample", "Ardent", "Astute", "Autumn", "Azure", "Balmy", "Bold", "Brave", "Breezy", "Bright",
    "Brisk", "Calm", "Candid", "Careful", "Cheery", "Civic", "Clever", "Cobalt", "Comet", "Cosmic", "Crisp",
    "Curious", "Daring", "Dapper", "Deft", "Eager", "Earnest", "Easy", "Electric", "Elegant", "Epic", "Fair",
    "Fearless", "Festive", "Fleet", "Fluent", "Focused", "Frank", "Friendly", "Gallant", "Gentle", "Gleaming",
    "Golden", "Graceful", "Grand", "Happy", "Hardy", "Hearty", "Helpful", "Honest", "Hopeful", "Humble", "Jade",
    "Jolly", "Jovial", "Keen", "Kind", "Lively", "Loyal", "Lucid", "Lucky", "Lunar", "Merry", "Mighty", "Mindful",
    "Modest", "Nimble", "Noble", "Patient", "Peppy", "Plucky", "Polished", "Prime", "Proud", "Quick", "Quiet",
    "Radiant", "Rapid", "Ready", "Resolute", "Rosy", "Royal", "Rustic", "Sage", "Scarlet", "Serene", "Sharp",
    "Shining", "Silver", "Sincere", "Smart", "Snappy", "Solar", "Spirited", "Spry", "Steady", "Stellar", "Sturdy",
    "Sunny", "Swift", "Tidy", "Tranquil", "Trusty", "Upbeat", "Valiant", "Vivid", "Warm", "Wise", "Witty", "Zesty",
)  # fmt: skip

ANIMALS = (
    "Albatross", "Alpaca", "Antelope", "Armadillo", "Badger", "Beaver", "Bison", "Bluebird", "Bobcat", "Buffalo",
    "Camel", "Capybara", "Caribou", "Cheetah", "Chipmunk", "Condor", "Cormorant", "Coyote", "Crane", "Cricket",
    "Dolphin", "Dormouse", "Dove", "Eagle", "Egret", "Elk", "Falcon", "Ferret", "Finch", "Flamingo", "Fox", "Gazelle",
    "Gecko", "Gibbon", "Giraffe", "Goose", "Gull", "Hare", "Hawk", "Hedgehog", "Heron", "Hippo", "Hummingbird",
    "Ibex", "Ibis", "Impala", "Jackal", "Jaguar", "Jay", "Kangaroo", "Kestrel", "Kingfisher", "Kiwi", "Koala", "Lark",
    "Lemur", "Leopard", "Lion", "Llama", "Lynx", "Macaw", "Magpie", "Manatee", "Marmot", "Meerkat", "Mink", "Moose",
    "Narwhal", "Newt", "Nightingale", "Ocelot", "Octopus", "Orca", "Oriole", "Osprey", "Otter", "Owl", "Panda",
    "Panther", "Parrot", "Pelican", "Penguin", "Pheasant", "Puffin", "Puma", "Quail", "Quokka", "Rabbit", "Raccoon",
    "Raven", "Reindeer", "Robin", "Salamander", "Seahorse", "Seal", "Sparrow", "Squirrel", "Starling", "Stork",
    "Swallow", "Swan", "Tapir", "Tern", "Tiger", "Toucan", "Turtle", "Walrus", "Weasel", "Whale", "Wolf", "Wombat",
    "Wren", "Yak", "Zebra",
)  # fmt: skip


def draw(attempt: int = 0) -> str:
    """A random pseudonym; after a clash (``attempt`` > 0) with a number, longer on each try."""
    name = f"{secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)}"
    if attempt == 0:
        return name
    digits = min(2 + attempt, 8)
    return f"{name} {secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"
