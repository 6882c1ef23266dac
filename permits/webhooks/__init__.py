"""The partners' webhook endpoints: a company's administrator and an
organisation's supervisors register, change and watch them."""
