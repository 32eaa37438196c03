/**
 * The currency the platform books LLM usage in: the model catalogue's chargeback rates are in
 * it, the router records spend in it, and a tenant with an LLM budget must keep its budget in it
 * (a spend in EUR compared with a budget in USD would alert at the wrong point). It is also the
 * currency of the price table the review estimates costs with (a test keeps them equal).
 */
export const CHARGEBACK_CURRENCY = 'EUR';
