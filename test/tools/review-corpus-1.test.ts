/** The review corpus (test/fixtures/review), shard 2 of 2: realistic changes reviewed end to end. */
import { describe } from 'node:test';
import { corpusShard } from '../helpers/review-corpus';

describe('review corpus, shard 2 of 2', () => corpusShard(1, 2));
