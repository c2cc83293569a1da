// SPDX-License-Identifier: GPL-2.0
/* placeholder: the stress tool (issue 11) */
int main(void)
{
	return 0;
}
