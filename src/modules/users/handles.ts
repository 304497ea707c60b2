import { randomInt } from 'node:crypto';

// Pseudonyms are drawn at random from neutral words, never from the person's name or email.
const ADJECTIVES = [
  'Quiet', 'Amber', 'Brisk', 'Calm', 'Clever', 'Copper', 'Crimson', 'Dapper', 'Eager', 'Early',
  'Fabled', 'Gentle', 'Golden', 'Hardy', 'Humble', 'Indigo', 'Jade', 'Keen', 'Kind', 'Lively',
  'Lucid', 'Mellow', 'Misty', 'Modest', 'Nimble', 'Noble', 'Olive', 'Patient', 'Placid', 'Plucky',
  'Quick', 'Rapid', 'Rosy', 'Rustic', 'Sage', 'Scarlet', 'Serene', 'Silver', 'Sly', 'Snowy',
  'Solar', 'Steady', 'Stellar', 'Sunny', 'Swift', 'Tawny', 'Tidy', 'Topaz', 'Tranquil', 'Upbeat',
  'Valiant', 'Velvet', 'Vivid', 'Wandering', 'Warm', 'Wise', 'Witty', 'Young', 'Zesty', 'Zen',
];
const ANIMALS = [
  'Heron', 'Badger', 'Beaver', 'Bison', 'Crane', 'Curlew', 'Dolphin', 'Egret', 'Falcon', 'Ferret',
  'Finch', 'Fox', 'Gannet', 'Gecko', 'Grouse', 'Hare', 'Hawk', 'Hedgehog', 'Ibis', 'Jackdaw',
  'Kestrel', 'Kingfisher', 'Kite', 'Lark', 'Lemur', 'Lynx', 'Magpie', 'Marten', 'Merlin', 'Mink',
  'Moose', 'Newt', 'Ocelot', 'Osprey', 'Otter', 'Owl', 'Panda', 'Pelican', 'Petrel', 'Plover',
  'Puffin', 'Quail', 'Raven', 'Robin', 'Salmon', 'Seal', 'Shrike', 'Sparrow', 'Stoat', 'Swan',
  'Swift', 'Tern', 'Thrush', 'Wombat', 'Wren', 'Yak', 'Zebra', 'Albatross', 'Cormorant', 'Lapwing',
];

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)]!;

/** A candidate handle; after a few collisions a number is added so the space never runs out. */
export function generateHandle(attempt = 0): string {
  const base = `Dr. ${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
  return attempt < 5 ? base : `${base} ${randomInt(2, 1000)}`;
}
