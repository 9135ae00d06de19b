"""CJS (youth service cooperatives): clients, contracts, hours, governance. Depends on programmes only."""
