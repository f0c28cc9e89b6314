"""The working-day calendar (法定节假日与调休): seeded from chinesecalendar, edited by administrators,
and the pure rules for counting limits in working days."""
