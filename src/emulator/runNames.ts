// MLflow names unnamed runs `<adjective>-<animal>-<0..999>` (mlflow.utils.name_utils).

const ADJECTIVES = [
  'abundant', 'able', 'adaptable', 'agreeable', 'amazing', 'ambitious', 'amusing', 'auspicious', 'awesome',
  'bedecked', 'bemused', 'big', 'blushing', 'bold', 'brawny', 'bright', 'bustling', 'calm', 'capable',
  'carefree', 'caring', 'casual', 'charming', 'chill', 'classy', 'clean', 'clever', 'colorful', 'crawling',
  'dapper', 'debonair', 'delicate', 'efficient', 'enchanting', 'fearless', 'flawless', 'funny', 'gentle',
  'gifted', 'glamorous', 'grandiose', 'gregarious', 'handsome', 'hilarious', 'honorable', 'illustrious',
  'incongruous', 'industrious', 'intelligent', 'judicious', 'learned', 'legendary', 'likeable', 'loud',
  'luminous', 'luxuriant', 'magnificent', 'marvelous', 'masked', 'melodic', 'merciful', 'mercurial',
  'monumental', 'mysterious', 'nebulous', 'omniscient', 'orderly', 'overjoyed', 'peaceful', 'painted',
  'persistent', 'placid', 'polite', 'popular', 'powerful', 'puzzled', 'rambunctious', 'rare', 'rebellious',
  'respected', 'resilient', 'righteous', 'receptive', 'redolent', 'resilient', 'rogue', 'rumbling',
  'salty', 'sassy', 'secretive', 'selective', 'sedate', 'serious', 'shivering', 'skillful', 'sincere',
  'skittish', 'silent', 'smiling', 'sneaky', 'sophisticated', 'spiffy', 'stately', 'suave', 'stylish',
  'tasteful', 'thoughtful', 'thundering', 'traveling', 'treasured', 'trusting', 'unequaled', 'upbeat',
  'unique', 'unleashed', 'useful', 'upset', 'valuable', 'vaunted', 'victorious', 'welcoming', 'whimsical',
  'wise', 'worried', 'youthful', 'zealous',
];

const ANIMALS = [
  'ant', 'ape', 'asp', 'auk', 'bass', 'bat', 'bear', 'bee', 'bird', 'boar', 'bug', 'calf', 'carp', 'cat',
  'chimp', 'cod', 'colt', 'conch', 'cow', 'crab', 'crane', 'croc', 'crow', 'cub', 'deer', 'doe', 'dog',
  'dolphin', 'donkey', 'dove', 'duck', 'eel', 'elk', 'fawn', 'finch', 'fish', 'flea', 'fly', 'foal', 'fowl',
  'fox', 'frog', 'gnat', 'gnu', 'goat', 'goose', 'grouse', 'grub', 'gull', 'hare', 'hawk', 'hen', 'hog',
  'horse', 'hound', 'jay', 'kit', 'kite', 'koi', 'lamb', 'lark', 'loon', 'lynx', 'mare', 'midge', 'mink',
  'mole', 'moose', 'moth', 'mouse', 'mule', 'newt', 'owl', 'ox', 'panda', 'penguin', 'perch', 'pig', 'pug',
  'quail', 'ram', 'rat', 'ray', 'robin', 'roo', 'rook', 'seal', 'shad', 'shark', 'sheep', 'shoat', 'shrew',
  'shrike', 'shrimp', 'skink', 'skunk', 'sloth', 'slug', 'smelt', 'snail', 'snake', 'snipe', 'sow', 'sponge',
  'squid', 'squirrel', 'stag', 'steed', 'stoat', 'stork', 'swan', 'tern', 'toad', 'trout', 'turtle', 'vole',
  'wasp', 'whale', 'wolf', 'worm', 'wren', 'yak', 'zebra',
];

/** A run name in MLflow's style; `random` returns floats in [0, 1). */
export function generateRunName(random: () => number): string {
  const adjective = ADJECTIVES[Math.floor(random() * ADJECTIVES.length)] ?? 'able';
  const animal = ANIMALS[Math.floor(random() * ANIMALS.length)] ?? 'ant';
  return `${adjective}-${animal}-${Math.floor(random() * 1000)}`;
}
